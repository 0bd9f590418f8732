import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { cipherFromConfig } from './config-cipher';
import { FieldCipher } from './field-cipher';

/** Makes the `FieldCipher` of the configured data keys injectable everywhere. */
@Global()
@Module({
  providers: [{ provide: FieldCipher, useFactory: cipherFromConfig, inject: [AppConfig] }],
  exports: [FieldCipher],
})
export class SecretsModule {}
