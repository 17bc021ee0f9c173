/** How a stored message looks to each viewer, and what of it may travel on the bus. */
import type { StoredMessage } from '../repositories/messages.ts';
import type { WireMessage } from '../realtime/protocol.ts';

/**
 * What the bus carries about a message: never the original text of a redacted message, only what
 * recipients may see (`deliveredBody`).
 */
export interface BusMessage {
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  deliveredBody: string;
  status: StoredMessage['status'];
  redacted: boolean;
  createdAt: string;
}

/** Strips a stored message down to what may cross the bus. */
export function toBusMessage(message: StoredMessage): BusMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: message.senderId,
    deliveredBody: message.deliveredBody,
    status: message.status,
    redacted: message.action === 'redact',
    createdAt: message.createdAt.toISOString(),
  };
}

/**
 * The message as a member sees it, or null when that member may not see it: everyone sees delivered
 * messages; only the sender sees its own held (as pending review) and rejected ones.
 */
export function viewFor(viewerId: string, message: BusMessage): WireMessage | null {
  const own = message.senderId === viewerId;
  let status: WireMessage['status'];
  switch (message.status) {
    case 'delivered':
      status = 'delivered';
      break;
    case 'held':
      if (!own) return null;
      status = 'pending_review';
      break;
    case 'rejected':
      if (!own) return null;
      status = 'rejected';
      break;
    case 'blocked':
      return null;
    default: {
      const unreachable: never = message.status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: message.senderId,
    body: message.deliveredBody,
    status,
    redacted: message.redacted,
    createdAt: message.createdAt,
  };
}
