import type { AppConfig } from '../config/app-config';
import { parseDataKeys } from './data-keys';
import { FieldCipher } from './field-cipher';

const CIPHERS = new WeakMap<AppConfig, FieldCipher>();

/** The cipher of a configuration's DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_OLD_KEYS (one per configuration). */
export function cipherFromConfig(config: AppConfig): FieldCipher {
  let cipher = CIPHERS.get(config);
  if (!cipher) {
    const { current, old } = parseDataKeys(config.DATA_ENCRYPTION_KEY, config.DATA_ENCRYPTION_OLD_KEYS);
    CIPHERS.set(config, (cipher = new FieldCipher(current, old)));
  }
  return cipher;
}
