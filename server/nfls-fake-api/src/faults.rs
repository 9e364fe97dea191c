//! Fault injection: rules that make the fake answer a request with an error, a delay, a broken
//! body or a dropped connection instead of (or before) its normal response.

use std::time::Duration;

use crate::routes::Route;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and the API's error envelope.
    Status(u16),
    /// Answer 429 with the error envelope and these headers (seconds; `reset` is sent verbatim
    /// as `x-ratelimit-reset`).
    RateLimit {
        retry_after: Option<u64>,
        reset: Option<u64>,
    },
    /// Wait, then answer normally.
    Delay(Duration),
    /// Run the request normally, then send only the first half of the JSON body (with a
    /// matching `content-length`, so the HTTP exchange itself is complete).
    TruncatedJson,
    /// Answer with this status and an HTML page instead of JSON (a proxy error page).
    NonJson(u16),
    /// Run the request normally, start the response, then break the connection mid-body.
    DropConnection,
    /// Answer with exactly this status, content type and body.
    Raw {
        status: u16,
        content_type: String,
        body: String,
    },
}

impl Fault {
    /// Applies to the next `n` matching requests only.
    pub fn times(self, n: u32) -> FaultRule {
        FaultRule::from(self).times(n)
    }

    /// Applies only to requests of `route`.
    pub fn on(self, route: Route) -> FaultRule {
        FaultRule::from(self).on(route)
    }
}

/// A fault with its scope: a route (or every route) and a number of uses (or unlimited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    pub fault: Fault,
    pub route: Option<Route>,
    pub remaining: Option<u32>,
}

impl FaultRule {
    pub fn times(mut self, n: u32) -> Self {
        self.remaining = Some(n);
        self
    }

    pub fn on(mut self, route: Route) -> Self {
        self.route = Some(route);
        self
    }
}

impl From<Fault> for FaultRule {
    fn from(fault: Fault) -> Self {
        FaultRule {
            fault,
            route: None,
            remaining: None,
        }
    }
}

/// Takes the first rule that applies to `route`, using up one of its uses.
pub(crate) fn take_fault(rules: &mut Vec<FaultRule>, route: Route) -> Option<Fault> {
    let index = rules
        .iter()
        .position(|r| r.route.is_none_or(|x| x == route) && r.remaining != Some(0))?;
    let rule = &mut rules[index];
    let fault = rule.fault.clone();
    if let Some(n) = &mut rule.remaining {
        *n -= 1;
        if *n == 0 {
            rules.remove(index);
        }
    }
    Some(fault)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_scoped_and_counted() {
        let mut rules = vec![
            Fault::Status(500).times(2).on(Route::GetTemplate),
            Fault::Status(503).into(),
        ];
        assert_eq!(
            take_fault(&mut rules, Route::ListTemplates),
            Some(Fault::Status(503))
        );
        assert_eq!(
            take_fault(&mut rules, Route::GetTemplate),
            Some(Fault::Status(500))
        );
        assert_eq!(
            take_fault(&mut rules, Route::GetTemplate),
            Some(Fault::Status(500))
        );
        assert_eq!(
            take_fault(&mut rules, Route::GetTemplate),
            Some(Fault::Status(503))
        );
        assert_eq!(rules.len(), 1);
    }
}
