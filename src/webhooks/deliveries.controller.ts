import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
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
import { DeliveryResponse } from './dto/delivery.dto';

const ID = { name: 'id', example: 'whd_5a1f0c7e9b2d4e8f8a6c3b1d0e9f7a2c' };

@ApiTags('webhooks')
@ApiUnauthorizedResponse({ type: ErrorResponse, description: 'Missing or wrong API key' })
@Controller('api/webhook-deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One webhook delivery with its attempts' })
  @ApiParam(ID)
  @ApiOkResponse({ type: DeliveryResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  get(@Param('id') id: string): Promise<DeliveryResponse> {
    return this.deliveries.get(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Attempt a delivery once more, now',
    description: 'Works on failed and delivered deliveries too (same webhook-id, so receivers deduplicate).',
  })
  @ApiParam(ID)
  @ApiAcceptedResponse({ type: DeliveryResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiErrors({
    status: 409,
    description: 'An attempt is running',
    example: { error: 'Delivery in progress', details: 'An attempt is running; retry once it has finished' },
  })
  retry(@Param('id') id: string): Promise<DeliveryResponse> {
    return this.deliveries.retry(id);
  }
}
