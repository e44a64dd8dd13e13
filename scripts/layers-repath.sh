#!/usr/bin/env bash
# Rewrites old module paths to the layered tree, in src/, tests/, benches/ (crate:: and mus::).
# Idempotent: run again after merging a branch written against the old paths.
set -e
cd "${1:-.}"
files=$(git ls-files 'src/*.rs' 'tests/*.rs' 'benches/*.rs'; git ls-files --others --exclude-standard 'src/*.rs' 'tests/*.rs' 'benches/*.rs')
perl -pi -e '
  for my $r ("crate", "mus") {
    s/\b${r}::batch\b/${r}::app::batch::produce/g;
    s/\b${r}::config\b/${r}::app::inputs/g;
    s/\b${r}::show\b/${r}::compose::show/g;
    s/\b${r}::choice\b/${r}::archive::choice/g;
    s/\b${r}::error\b/${r}::app::error/g;
    s/\b${r}::layout::(FontStyle|Measure|FixedWidth)\b/${r}::base::fonts::$1/g;
    s/\b${r}::matching\b/${r}::base::text/g;
    s/\b${r}::output\b/${r}::base::files/g;
    s/\b${r}::fonts\b/${r}::base::fonts/g;
    s/\b${r}::xmp\b/${r}::base::xmp/g;
    s/\b${r}::(framework|roster|naming|manifest|identity)\b/${r}::model::$1/g;
    s/\b${r}::blocks\b/${r}::layout::blocks/g;
    s/\b${r}::tooltip\b/${r}::layout::tooltip/g;
    s/\b${r}::(guide|templates|markup)\b/${r}::compose::$1/g;
    s/\b${r}::(answers|previous)\b/${r}::archive::$1/g;
  }
' $files
# A module imported as a whole keeps its old local name in code: rename those uses.
for f in $files; do
  if grep -qE 'base::files(::\{self|;)' "$f"; then perl -pi -e 's/(?<![\w:])output::/files::/g' "$f"; fi
  if grep -qE 'base::text(::\{self|;)' "$f"; then perl -pi -e 's/(?<![\w:])matching::/text::/g' "$f"; fi
done
