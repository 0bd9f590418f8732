import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
import { ApiErrors } from '../common/errors/api-errors';
import { ErrorResponse } from '../common/errors/error-response';
import { DeliveriesService } from './deliveries.service';
import {
  DeliveryListResponse,
  DeliveryResponse,
  ListDeliveriesQuery,
  RecoverDto,
  RecoverResponse,
} from './dto/delivery.dto';
import {
  CreateEndpointDto,
  EndpointCreatedResponse,
  EndpointResponse,
  SecretResponse,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { EndpointsService } from './endpoints.service';
import { WebhookSettings } from './webhook-settings';

const ID = { name: 'id', example: 'we_3f9c2a7d1b8e4c6a9d0e1f2a3b4c5d6e' };

@ApiTags('webhooks')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong API key' })
@Controller('api/webhook-endpoints')
export class EndpointsController {
  constructor(
    private readonly endpoints: EndpointsService,
    private readonly deliveries: DeliveriesService,
    private readonly settings: WebhookSettings,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Add a webhook endpoint',
    description:
      'Private, loopback and link-local targets are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS or ' +
      'WEBHOOK_ALLOWED_CIDRS allow them. The answer carries the signing secret; it is not shown again.',
  })
  @ApiCreatedResponse({ type: EndpointCreatedResponse })
  @ApiBadRequestResponse({
    type: ErrorResponse,
    description: 'Invalid fields, or the URL is refused (reason given)',
  })
  create(@Body() dto: CreateEndpointDto): Promise<EndpointCreatedResponse> {
    return this.endpoints.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook endpoints' })
  @ApiOkResponse({ type: [EndpointResponse] })
  list(): Promise<EndpointResponse[]> {
    return this.endpoints.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a webhook endpoint' })
  @ApiParam(ID)
  @ApiOkResponse({ type: EndpointResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<EndpointResponse> {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook endpoint',
    description:
      '`enabled: true` re-enables an endpoint the gateway disabled (410 Gone, or failing for days).',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: EndpointResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  update(@Param('id') id: string, @Body() dto: UpdateEndpointDto): Promise<EndpointResponse> {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery log' })
  @ApiParam(ID)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorResponse })
  async remove(@Param('id') id: string): Promise<void> {
    await this.endpoints.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the signing secret',
    description:
      'Answers with the new secret. For WEBHOOK_SECRET_GRACE_HOURS, deliveries carry signatures with both the ' +
      'new and the old secret, so receivers can switch without losing events.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: SecretResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  rotate(@Param('id') id: string): Promise<SecretResponse> {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log of an endpoint, newest first, with every attempt' })
  @ApiParam(ID)
  @ApiOkResponse({ type: DeliveryListResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  deliveriesOf(@Param('id') id: string, @Query() query: ListDeliveriesQuery): Promise<DeliveryListResponse> {
    return this.deliveries.list(id, query);
  }

  @Post(':id/recover')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Re-send what the endpoint missed since a time',
    description:
      'Failed deliveries since `since` start a fresh retry schedule; events since then that the endpoint ' +
      'subscribes to but never got (for instance while disabled) are queued for it. A disabled endpoint gets ' +
      'them once re-enabled.',
  })
  @ApiParam(ID)
  @ApiAcceptedResponse({ type: RecoverResponse })
  @ApiBadRequestResponse({ type: ErrorResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  recover(@Param('id') id: string, @Body() dto: RecoverDto): Promise<RecoverResponse> {
    return this.deliveries.recover(id, dto.since);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send an example message.received event to this endpoint',
    description: 'Answers with the delivery after its first attempt (or after the webhook time limit).',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiErrors({
    status: 409,
    description: 'The endpoint is disabled',
    example: { error: 'Endpoint disabled', details: 'Enable the endpoint first' },
  })
  test(@Param('id') id: string): Promise<DeliveryResponse> {
    return this.deliveries.test(id, this.settings.timeoutMs + 2000);
  }
}
