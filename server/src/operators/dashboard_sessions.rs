//! The dashboard's sessions: an admin ends others', an operator their own.

use app::model::operator::{
    AccessOutcome, Admin, EndSessionsOutcome, SessionId, SessionRow, UserId,
};
use app::ports::{PortError, PortFuture, Sessions};

use crate::clock::minutes;
use crate::operators::access;

use crate::dashboard::{unavailable, DashboardService};

impl Sessions for DashboardService {
    fn end_sessions(
        &self,
        admin: Admin,
        id: Option<String>,
    ) -> PortFuture<'_, Result<AccessOutcome, PortError>> {
        Box::pin(async move {
            let (_, _, admin) = self.acting_admin(&admin).await?;
            let clock = self.clock.as_ref();
            match id {
                Some(id) => access::end_invitee_sessions(&self.db, &admin, &id, clock).await,
                None => access::end_every_session(&self.db, &admin, clock).await,
            }
            .map_err(unavailable)
        })
    }

    fn own_sessions(
        &self,
        owner: UserId,
        SessionId(session): SessionId,
    ) -> PortFuture<'_, Result<Vec<SessionRow>, PortError>> {
        Box::pin(async move {
            let me = self.operator(owner).await?;
            let live = crate::auth::session::live_of(&self.db, me.id, self.clock.as_ref())
                .await
                .map_err(unavailable)?;
            Ok(live
                .into_iter()
                .map(|s| SessionRow {
                    current: s.id == session,
                    // The current session ends with "Sign out"; its id stays here.
                    id: if s.id == session { String::new() } else { s.id },
                    started: minutes(s.created_at),
                    last_seen: minutes(s.last_seen_at),
                    agent: s.agent,
                    address: s.address,
                })
                .collect())
        })
    }

    fn end_own_sessions(
        &self,
        owner: UserId,
        SessionId(session): SessionId,
        password: String,
        which: Option<String>,
    ) -> PortFuture<'_, Result<EndSessionsOutcome, PortError>> {
        Box::pin(async move {
            let me = self.operator(owner).await?;
            let which = which.map_or(access::Which::AllOthers, access::Which::One);
            let password = crate::secret::Secret::new(password);
            access::end_own_sessions(
                &self.db,
                &me,
                &session,
                password,
                which,
                self.clock.as_ref(),
            )
            .await
            .map_err(unavailable)
        })
    }
}
