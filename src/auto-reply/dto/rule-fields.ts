import { ValidateIf } from 'class-validator';

/** Session ids as the rest of the API accepts them, or `*` for every session. */
export const SESSION_OR_ANY = /^(\*|[A-Za-z0-9._-]{1,64})$/;
export const RULE_CHAT_TYPES = ['direct', 'group'] as const;
export const NOT_BLANK = /\S/;
export const GROUP_JID = /^\d{5,30}(-\d{5,15})?@g\.us$/;

/** Optional, but when present it must be valid: `null` is refused rather than slipping past the validators. */
export const OptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);
