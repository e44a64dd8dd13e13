//! Pagination: a column of fragments → pages, keeping together what must stay together.

use super::theme::{CONTENT_BOTTOM, MARGIN_TOP};
use super::{Item, Page};

/// An unbreakable piece of the column: a line of text, a heading, a scale, a table row.
/// Items are positioned relative to the fragment's top.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fragment {
    pub height: f32,
    /// Space above the fragment; dropped at the top of a page.
    pub space_before: f32,
    /// Must stand on the same page as the next fragment (a heading and what follows it,
    /// the first two lines of a paragraph, a question and its answer lines).
    pub keep_with_next: bool,
    /// Starts a new page.
    pub page_break: bool,
    /// A section heading's text: an entry of the document outline.
    pub bookmark: Option<String>,
    pub items: Vec<Item>,
}

const PAGE_BODY: f32 = CONTENT_BOTTOM - MARGIN_TOP;

/// Places fragments top to bottom, page after page.
///
/// A chain of fragments joined by `keep_with_next` moves to a new page as a whole when it
/// does not fit on what is left of this one, unless it is taller than a whole page, in
/// which case it breaks where it must.
pub fn paginate(mut fragments: Vec<Fragment>) -> Vec<Page> {
    let mut pages = vec![Page::default()];
    let mut y = MARGIN_TOP;
    let mut at_top = true;
    for i in 0..fragments.len() {
        // Its items move to the page; what is read of it later (its height, whether it
        // keeps with the next) stays.
        let items = std::mem::take(&mut fragments[i].items);
        let fragment = &fragments[i];
        if fragment.page_break {
            if !at_top {
                pages.push(Page::default());
                y = MARGIN_TOP;
                at_top = true;
            }
            continue;
        }
        let continues_chain = i > 0 && fragments[i - 1].keep_with_next && !at_top;
        let needed = if continues_chain {
            fragment.space_before + fragment.height
        } else {
            chain_height(&fragments[i..], at_top)
        };
        let fits = y + needed <= CONTENT_BOTTOM + 0.01;
        let fits_alone = y + fragment.space_before + fragment.height <= CONTENT_BOTTOM + 0.01;
        let break_here = if continues_chain {
            !fits_alone
        } else {
            !fits && (needed <= PAGE_BODY || !fits_alone)
        };
        if break_here && !at_top {
            pages.push(Page::default());
            y = MARGIN_TOP;
            at_top = true;
        }
        if !at_top {
            y += fragment.space_before;
        }
        let page = pages.last_mut().expect("at least one page");
        if let Some(title) = &fragment.bookmark {
            page.bookmarks.push(super::Bookmark {
                title: title.clone(),
                y,
            });
        }
        page.items
            .extend(items.into_iter().map(|item| item.translated(0.0, y)));
        y += fragment.height;
        at_top = false;
    }
    pages
}

/// The height of the chain of kept-together fragments that starts at `fragments[0]`.
fn chain_height(fragments: &[Fragment], at_top: bool) -> f32 {
    let mut total = 0.0;
    for (i, f) in fragments.iter().enumerate() {
        if f.page_break {
            break;
        }
        if i > 0 || !at_top {
            total += f.space_before;
        }
        total += f.height;
        if !f.keep_with_next || total > PAGE_BODY {
            break;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{theme::INK, FontStyle};

    fn frag(label: &str, height: f32, keep: bool) -> Fragment {
        Fragment {
            height,
            space_before: 0.0,
            keep_with_next: keep,
            page_break: false,
            bookmark: None,
            items: vec![Item::Text {
                x: 0.0,
                y: height,
                size: 10.0,
                style: FontStyle::Regular,
                color: INK,
                text: label.into(),
            }],
        }
    }

    fn labels(pages: &[Page]) -> Vec<Vec<String>> {
        pages
            .iter()
            .map(|p| {
                p.items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Text { text, .. } => Some(text.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn fills_pages_in_order() {
        let fragments = (0..30).map(|i| frag(&i.to_string(), 50.0, false)).collect();
        let pages = paginate(fragments);
        let per_page = (PAGE_BODY / 50.0).floor() as usize;
        assert_eq!(pages.len(), 30_usize.div_ceil(per_page));
        assert_eq!(labels(&pages)[0].len(), per_page);
    }

    #[test]
    fn a_heading_never_stands_alone_at_the_bottom() {
        let mut fragments: Vec<Fragment> = (0..13)
            .map(|i| frag(&format!("line {i}"), 50.0, false))
            .collect();
        fragments.push(frag("heading", 30.0, true));
        fragments.push(frag("body", 50.0, false));
        let pages = paginate(fragments);
        let labels = labels(&pages);
        assert_eq!(labels[1], vec!["heading", "body"], "{labels:?}");
    }

    #[test]
    fn a_chain_taller_than_a_page_still_breaks() {
        let fragments = (0..40)
            .map(|i| frag(&i.to_string(), 50.0, i < 39))
            .collect();
        let pages = paginate(fragments);
        assert!(pages.len() >= 3);
        assert_eq!(labels(&pages).concat().len(), 40);
    }

    #[test]
    fn nothing_is_placed_below_the_content_area() {
        let fragments = (0..50)
            .map(|i| frag(&i.to_string(), 37.0, i % 3 == 0))
            .collect();
        for page in paginate(fragments) {
            for item in page.items {
                if let Item::Text { y, .. } = item {
                    assert!(y <= CONTENT_BOTTOM + 0.01, "{y}");
                }
            }
        }
    }
}
