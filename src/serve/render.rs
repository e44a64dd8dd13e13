//! The pages' handlebars templates (in `pages/`, compiled into the binary). Every page
//! shares `layout.hbs` (header, menu, `lang="da"`, skip link); rendering decides nothing.

use handlebars::Handlebars;
use serde_json::Value;

use crate::app::error::Result;
use crate::compose::error::Error as ComposeError;

/// The templates, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout", include_str!("pages/layout.hbs")),
    ("textfield", include_str!("pages/textfield.hbs")),
    ("filefield", include_str!("pages/filefield.hbs")),
    ("errorsummary", include_str!("pages/errorsummary.hbs")),
    ("front", include_str!("pages/front.hbs")),
    ("login", include_str!("pages/login.hbs")),
    ("guide", include_str!("pages/guide.hbs")),
    ("batch", include_str!("pages/batch.hbs")),
    ("batch_preview", include_str!("pages/batch_preview.hbs")),
    ("batch_job", include_str!("pages/batch_job.hbs")),
    ("arkiv", include_str!("pages/arkiv.hbs")),
    ("arkiv_added", include_str!("pages/arkiv_added.hbs")),
    ("arkiv_status", include_str!("pages/arkiv_status.hbs")),
    ("refusal", include_str!("pages/refusal.hbs")),
];

pub struct Pages {
    hb: Handlebars<'static>,
}

impl Pages {
    pub fn new() -> Result<Pages> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(false);
        for (name, text) in TEMPLATES {
            hb.register_template_string(name, *text)
                .map_err(|e| ComposeError::TemplateOther {
                    file: format!("src/serve/pages/{name}.hbs"),
                    message: e.to_string(),
                })?;
        }
        Ok(Pages { hb })
    }

    /// The page `name` rendered with `data`.
    pub fn render(&self, name: &str, data: &Value) -> String {
        // The templates are compiled in and tested; a failure here is a bug in them.
        self.hb
            .render(name, data)
            .unwrap_or_else(|e| panic!("page template {name}: {e}"))
    }
}
