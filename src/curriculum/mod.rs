//! The training programme's curriculum: seven chapters, their modules in viewing order, and the
//! links to each module on the course site. Loaded from `faq/curriculum.toml` by [`content`];
//! keyboards and pagination for the bot are built elsewhere from these types.

pub mod content;
