import { PartialType } from '@nestjs/swagger';
import { CreateAutoReplyRuleDto } from './create-rule.dto';

/** Any subset of the rule's fields; `null` is refused for every field. */
export class UpdateAutoReplyRuleDto extends PartialType(CreateAutoReplyRuleDto, {
  skipNullProperties: false,
}) {}
