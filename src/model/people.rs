//! Who a guide is for: the leader, the leader's own manager and the unit.

use serde::Serialize;

/// Who the guide is for. Empty strings leave lines to fill in by hand.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct People {
    pub name: String,
    pub manager: String,
    pub unit: String,
    /// The roster's own id for the leader (`id`, `medarbejdernr`), when it has one.
    pub employee_id: Option<String>,
}
