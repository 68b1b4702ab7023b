//! SVG heatmaps (plotters) of a sweep: one figure over the batch_size × channel_capacity grid,
//! each cell coloured by its value on a scale from zero to the largest cell (so cells inside
//! run-to-run noise of each other look alike) and labelled with its value, its run count and,
//! where given, a mark such as "within noise".

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// One cell of a heatmap.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The figure drawn (a median).
    pub value: f64,
    /// How many runs the figure comes from.
    pub runs: usize,
    /// A word on the cell, e.g. "best" or "within noise"; empty for none.
    pub mark: &'static str,
}

/// A grid of cells to draw: `values[y][x]`, `None` for cells without data.
pub struct Grid<'a> {
    /// Column labels (batch sizes).
    pub xs: &'a [String],
    /// Row labels (channel capacities).
    pub ys: &'a [String],
    /// The cells, row by row.
    pub values: Vec<Vec<Option<Cell>>>,
}

fn color(fraction: f64) -> RGBColor {
    // From pale yellow (low) to deep red (high).
    let f = fraction.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * f) as u8;
    RGBColor(lerp(255.0, 179.0), lerp(237.0, 0.0), lerp(160.0, 38.0))
}

/// Draws `grid` as a heatmap into `path`.
pub fn heatmap(
    path: &Path,
    title: &str,
    x_name: &str,
    y_name: &str,
    unit: &str,
    grid: &Grid<'_>,
) -> Result<()> {
    let fail = |e: &dyn std::fmt::Debug| anyhow!("drawing {}: {e:?}", path.display());
    let (nx, ny) = (grid.xs.len(), grid.ys.len());
    // The scale runs from zero, not from the smallest cell: 86.8 against 88.4 is 2%, and
    // looks it.
    let high = grid
        .values
        .iter()
        .flatten()
        .flatten()
        .map(|cell| cell.value)
        .fold(0.0, f64::max);
    let span = if high > 0.0 { high } else { 1.0 };

    let root =
        SVGBackend::new(path, (160 + 140 * nx as u32, 140 + 80 * ny as u32)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(-0.5f64..nx as f64 - 0.5, -0.5f64..ny as f64 - 0.5)
        .map_err(|e| fail(&e))?;
    let label = |labels: &[String], v: f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 {
            labels.get(i as usize).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(nx.max(2) * 2 + 1)
        .y_labels(ny.max(2) * 2 + 1)
        .x_label_formatter(&|v| label(grid.xs, *v))
        .y_label_formatter(&|v| label(grid.ys, *v))
        .x_desc(x_name)
        .y_desc(y_name)
        .draw()
        .map_err(|e| fail(&e))?;
    for (y, row) in grid.values.iter().enumerate() {
        for (x, value) in row.iter().enumerate() {
            let (x, y) = (x as f64, y as f64);
            let (fill, lines) = match value {
                Some(cell) => (
                    color(cell.value / span),
                    vec![
                        format!("{:.1} {unit}", cell.value),
                        format!(
                            "{} run{}{}{}",
                            cell.runs,
                            if cell.runs == 1 { "" } else { "s" },
                            if cell.mark.is_empty() { "" } else { ", " },
                            cell.mark
                        ),
                    ],
                ),
                None => (RGBColor(230, 230, 230), vec!["n/a".to_owned()]),
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(|e| fail(&e))?;
            chart
                .draw_series(lines.into_iter().enumerate().map(|(i, text)| {
                    Text::new(
                        text,
                        (x - 0.4, y + 0.1 - 0.25 * i as f64),
                        ("sans-serif", 13).into_font().color(&BLACK),
                    )
                }))
                .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
