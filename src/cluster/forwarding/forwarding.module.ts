import { Module } from '@nestjs/common';
import { SessionForwarder } from './session-forwarder';

/** Forwards the calls that need a session's live connection to the node that owns the session. */
@Module({
  providers: [SessionForwarder],
  exports: [SessionForwarder],
})
export class ForwardingModule {}
