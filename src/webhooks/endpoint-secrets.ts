import { Injectable } from '@nestjs/common';
import { FieldCipher, secretContext } from '../secrets/field-cipher';
import type { EndpointRow } from './delivery.store';
import type { WebhookEndpointEntity } from './webhook-endpoint.entity';

type SecretFields = Pick<WebhookEndpointEntity, 'secret' | 'previousSecret' | 'headers'>;

const context = (id: string, column: string) => secretContext('webhook_endpoints', column, id);

/**
 * An endpoint's signing secret, previous secret and custom headers as stored: encrypted with the data key when
 * one is set (see `FieldCipher`), each bound to its endpoint and column.
 */
@Injectable()
export class EndpointSecrets {
  constructor(private readonly cipher: FieldCipher) {}

  /** The given secret fields as they are stored (only those given). */
  seal<T extends Partial<SecretFields>>(id: string, fields: T): T {
    const out = { ...fields };
    if (fields.secret !== undefined) out.secret = this.cipher.seal(fields.secret, context(id, 'secret'));
    if (fields.previousSecret != null) {
      out.previousSecret = this.cipher.seal(fields.previousSecret, context(id, 'previous_secret'));
    }
    if (fields.headers !== undefined) out.headers = this.cipher.seal(fields.headers, context(id, 'headers'));
    return out;
  }

  /** A stored endpoint with its secret fields readable. */
  open(entity: WebhookEndpointEntity): WebhookEndpointEntity {
    return {
      ...entity,
      secret: this.cipher.open(entity.secret, context(entity.id, 'secret')),
      previousSecret:
        entity.previousSecret == null
          ? entity.previousSecret
          : this.cipher.open(entity.previousSecret, context(entity.id, 'previous_secret')),
      headers: this.cipher.open(entity.headers, context(entity.id, 'headers')),
    };
  }

  /** The delivery worker's row with its secret fields readable. */
  openRow(row: EndpointRow): EndpointRow {
    return {
      ...row,
      secret: this.cipher.open(row.secret, context(row.id, 'secret')),
      previous_secret:
        row.previous_secret == null
          ? row.previous_secret
          : this.cipher.open(row.previous_secret, context(row.id, 'previous_secret')),
      headers: this.cipher.open(row.headers, context(row.id, 'headers')),
    };
  }
}
