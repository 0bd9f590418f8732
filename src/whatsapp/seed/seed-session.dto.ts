import { ApiProperty } from '@nestjs/swagger';

export class SeedStatusView {
  @ApiProperty({ enum: ['qr_ready', 'connected', 'disconnected'] }) status:
    'qr_ready' | 'connected' | 'disconnected';
  @ApiProperty() connected: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) qr: string | null;
}

export class SeedQrView {
  @ApiProperty({ example: '2@6ZenNHdEfCOXDU+iblDP4Xl4tmZ3X3qvW...' }) qr: string;
}

export class SeedLogoutView {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ example: 'Logged out successfully' }) message: string;
}
