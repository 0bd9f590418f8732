import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponse } from '../common/errors/error-response';
import { CreateAutoReplyRuleDto } from './dto/create-rule.dto';
import { AutoReplyRuleResponse, toRuleResponse } from './dto/rule.response';
import { TestAutoReplyDto, TestAutoReplyResponse } from './dto/test-rule.dto';
import { UpdateAutoReplyRuleDto } from './dto/update-rule.dto';
import { AutoReplyRulesService } from './rules.service';

const ID_PARAM = { name: 'id', example: 'rule_default_ping', description: 'Rule id' };

@ApiTags('auto-reply')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong API key' })
@Controller('api/auto-reply-rules')
export class AutoReplyRulesController {
  constructor(private readonly rules: AutoReplyRulesService) {}

  @Get()
  @ApiOperation({
    summary: 'List auto-reply rules in evaluation order',
    description:
      'On every incoming message (not our own, not status broadcasts or system messages), the first enabled ' +
      'rule by priority that applies to the session and chat type and matches the text replies through the ' +
      'send queue. The seed\'s rule ("ping" -> "pong") exists out of the box and can be edited or deleted.',
  })
  @ApiOkResponse({ type: [AutoReplyRuleResponse] })
  async list(): Promise<AutoReplyRuleResponse[]> {
    return (await this.rules.list()).map(toRuleResponse);
  }

  @Post()
  @ApiOperation({
    summary: 'Create an auto-reply rule',
    description:
      'The pattern and the reply template are checked here: an invalid or too complex regex, or an unknown ' +
      'placeholder, is a 400.',
  })
  @ApiCreatedResponse({ type: AutoReplyRuleResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid field, pattern or template' })
  async create(@Body() dto: CreateAutoReplyRuleDto): Promise<AutoReplyRuleResponse> {
    return toRuleResponse(await this.rules.create(dto));
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Dry run: which rule would answer this message, and with what',
    description:
      'Evaluates the enabled rules against a message as if it had arrived, and sends nothing. Cooldowns and ' +
      'the per-chat limit are not applied.',
  })
  @ApiOkResponse({ type: TestAutoReplyResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  async test(@Body() dto: TestAutoReplyDto): Promise<TestAutoReplyResponse> {
    const decision = await this.rules.evaluate({
      session: dto.session ?? 'default',
      chatType: dto.group ? 'group' : (dto.chatType ?? 'direct'),
      chat: dto.group ?? null,
      text: dto.text,
      pushName: dto.pushName ?? null,
      phone: dto.phone ?? null,
    });
    return decision
      ? { matched: true, rule: toRuleResponse(decision.rule), reply: decision.reply }
      : { matched: false, rule: null, reply: null };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one auto-reply rule' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: AutoReplyRuleResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@Param('id') id: string): Promise<AutoReplyRuleResponse> {
    return toRuleResponse(await this.rules.get(id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields of an auto-reply rule' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: AutoReplyRuleResponse })
  @ApiBadRequestResponse({ type: ErrorResponse, description: 'Invalid field, pattern or template' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async update(@Param('id') id: string, @Body() dto: UpdateAutoReplyRuleDto): Promise<AutoReplyRuleResponse> {
    return toRuleResponse(await this.rules.update(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an auto-reply rule (the default "ping" rule too; it stays deleted)' })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async remove(@Param('id') id: string): Promise<void> {
    await this.rules.remove(id);
  }
}
