//! SVG heatmaps (plotters) of a sweep: one figure over the batch_size × channel_capacity grid,
//! each cell coloured by its value and labelled with it.

use std::path::Path;

use anyhow::{anyhow, Result};
use plotters::prelude::*;

/// A grid of values to draw: `values[y][x]`, `None` for cells without data.
pub struct Grid<'a> {
    /// Column labels (batch sizes).
    pub xs: &'a [String],
    /// Row labels (channel capacities).
    pub ys: &'a [String],
    /// The values, row by row.
    pub values: Vec<Vec<Option<f64>>>,
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
    let known: Vec<f64> = grid.values.iter().flatten().flatten().copied().collect();
    let low = known.iter().copied().fold(f64::INFINITY, f64::min);
    let high = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let span = if high > low { high - low } else { 1.0 };

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
            let (fill, text) = match value {
                Some(v) => (color((v - low) / span), format!("{v:.1} {unit}")),
                None => (RGBColor(230, 230, 230), "n/a".to_owned()),
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))
                .map_err(|e| fail(&e))?;
            chart
                .draw_series(std::iter::once(Text::new(
                    text,
                    (x - 0.3, y),
                    ("sans-serif", 15).into_font().color(&BLACK),
                )))
                .map_err(|e| fail(&e))?;
        }
    }
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
