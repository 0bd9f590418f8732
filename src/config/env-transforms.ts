/**
 * class-transformer `@Transform` functions for environment variables (strings): an empty value counts as unset
 * (the default applies); a value of the wrong form is passed on unchanged, for its validator to refuse by name.
 */
export const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase())
      ? true
      : ['false', '0', 'no', 'off'].includes(String(value).toLowerCase())
        ? false
        : value;

export const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;

export const toNumber = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : /^\d+(\.\d+)?$/.test(String(value))
      ? Number(value)
      : value;

export const toOptionalString = ({ value }: { value: unknown }) => (value === '' ? undefined : value);
