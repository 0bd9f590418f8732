/**
 * Reply templates: `{{name}}`, `{{phone}}`, `{{text}}` and `{{session}}` (spaces inside the braces are allowed).
 * Templates are checked when a rule is saved, so an unknown placeholder is a 400 then, never a surprise at send
 * time. Rendering is a single pass: a value that itself contains `{{...}}` is inserted literally.
 */
export const PLACEHOLDERS = ['name', 'phone', 'text', 'session'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Placeholder names used in `template` that are not in PLACEHOLDERS, each once, in order of appearance. */
export function unknownPlaceholders(template: string): string[] {
  const unknown = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(m[1])) unknown.add(m[1]);
  }
  return [...unknown];
}

export function renderReply(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}
