//! The overview's two charts, drawn as SVG on the server (no chart code in
//! the browser): the redemption funnel, and invitations per day by outcome.
//! Each is an image to the screen reader, whose figures are in the table
//! beside it.

use leptos::prelude::*;

use super::names::step_name;
use crate::fill;
use crate::i18n::use_locale;
use crate::model::overview::{percent, FunnelStep, OutcomeBucket};

/// The height of each step of the funnel, in pixels. Its widths are
/// shares of the chart's, so its text keeps its size at any width.
const ROW: f64 = 46.0;

/// The funnel, a bar per step as long as the share of invitations that
/// reached it.
#[component]
pub fn FunnelChart(steps: Vec<FunnelStep>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let invited = steps.first().map_or(0, |s| s.reached);
    let height = ROW * steps.len() as f64;
    let rows = steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let y = ROW * i as f64;
            let share = if invited == 0 { 0.0 } else { s.reached as f64 / invited as f64 };
            let width = if s.reached > 0 { (100.0 * share).max(0.5) } else { 0.0 };
            let figure = move || match percent(s.reached, invited) {
                Some(p) => format!("{} · {}", s.reached, fill!(t(), percent, n = p.to_string())),
                None => s.reached.to_string(),
            };
            view! {
                <text x="0" y=y + 14.0 class="chart-label">{move || step_name(t(), s.step)}</text>
                <text x="100%" y=y + 14.0 class="chart-label" text-anchor="end">{figure}</text>
                <rect x="0" y=y + 20.0 width="100%" height="16" class="chart-track"/>
                <rect x="0" y=y + 20.0 width=format!("{width:.2}%") height="16" class=format!("chart-bar step-{i}")/>
            }
        })
        .collect_view();
    view! {
        <svg class="funnel-chart" width="100%" height=height role="img" aria-label=move || t().funnel_chart_label>
            {rows}
        </svg>
    }
}

/// Drawing units of the outcome chart: a column and the gap after it, and
/// the chart's height.
const COLUMN: f64 = 8.0;
const GAP: f64 = 2.0;
const HEIGHT: f64 = 120.0;

/// The four outcomes, bottom to top, with their CSS class.
fn segments(b: &OutcomeBucket) -> [(u64, &'static str); 4] {
    [
        (b.finished, "outcome-finished"),
        (b.open, "outcome-open"),
        (b.expired, "outcome-expired"),
        (b.revoked, "outcome-revoked"),
    ]
}

/// Invitations per day (or week), a column each, stacked by outcome. It
/// stretches to the width it is given; its day labels are the page's.
#[component]
pub fn OutcomeChart(buckets: Vec<OutcomeBucket>) -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let highest = buckets
        .iter()
        .map(OutcomeBucket::total)
        .max()
        .unwrap_or(0)
        .max(1);
    let scale = HEIGHT / highest as f64;
    let width = (COLUMN + GAP) * buckets.len().max(1) as f64;
    let columns = buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = (COLUMN + GAP) * i as f64;
            let mut top = HEIGHT;
            let parts = segments(b)
                .into_iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, class)| {
                    let h = n as f64 * scale;
                    top -= h;
                    view! { <rect x=x y=top width=COLUMN height=h class=class/> }
                })
                .collect_view();
            let tip = format!(
                "{}: {} / {} / {} / {}",
                b.start, b.finished, b.open, b.expired, b.revoked
            );
            view! { <g><title>{tip}</title>{parts}</g> }
        })
        .collect_view();
    view! {
        <svg class="outcome-chart" viewBox=format!("0 0 {width} {HEIGHT}") preserveAspectRatio="none"
            role="img" aria-label=move || t().days_chart_label>
            <line x1="0" y1=HEIGHT x2=width y2=HEIGHT class="chart-axis"/>
            {columns}
        </svg>
    }
}

/// The outcome chart's legend.
#[component]
pub fn OutcomeLegend() -> impl IntoView {
    let locale = use_locale();
    let t = move || locale.get().dashboard_strings();
    let entry =
        move |class: &'static str,
              name: fn(&'static crate::i18n::DashboardStrings) -> &'static str| {
            view! { <li><span class=format!("swatch {class}") aria-hidden="true"></span>{move || name(t())}</li> }
        };
    view! {
        <ul class="chart-legend">
            {entry("outcome-finished", |s| s.outcome_finished)}
            {entry("outcome-open", |s| s.outcome_open)}
            {entry("outcome-expired", |s| s.outcome_expired)}
            {entry("outcome-revoked", |s| s.outcome_revoked)}
        </ul>
    }
}
