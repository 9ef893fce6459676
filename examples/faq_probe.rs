//! Developer probe: `cargo run --example faq_probe -- "question" ...` prints terms and outcome.
use std::path::Path;

use accelerateur::faq::{FaqContent, FaqIndex, commands};

fn main() -> anyhow::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("faq");
    let index = FaqIndex::build(&FaqContent::load_dir(&dir)?);
    for q in std::env::args().skip(1) {
        println!("{q}\n  {}", index.explain(&q));
        print!("  ");
        commands::ask(&index, &q, &mut std::io::stdout())?;
    }
    Ok(())
}
