/** How a stored message looks to each viewer, and what of it may travel on the bus. */
import type { StoredMessage } from '../repositories/messages.ts';
import type { WireAttachment, WireMessage } from '../realtime/protocol.ts';

/**
 * What the bus carries about a message: never the original text of a redacted message, only what
 * recipients may see (`deliveredBody`; nothing of a blocked one).
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
  /** The file a file message announces (metadata only; download through `GET /files/:id`). */
  attachment?: WireAttachment;
}

/** Strips a stored message down to what may cross the bus. */
export function toBusMessage(message: StoredMessage): BusMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    senderId: message.senderId,
    // A blocked message is shown to nobody: its text never travels.
    deliveredBody: message.status === 'blocked' ? '' : message.deliveredBody,
    status: message.status,
    redacted: message.action === 'redact',
    createdAt: message.createdAt.toISOString(),
    ...(message.attachment && {
      attachment: {
        id: message.attachment.id,
        name: message.attachment.originalName,
        size: Number(message.attachment.size),
        mimeType: message.attachment.mimeType,
      },
    }),
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
    ...(message.attachment && { attachment: message.attachment }),
  };
}

/**
 * The `message` frame of one bus message, serialised once for every member who sees it the same way
 * (all of them when it is delivered): a node fanning a message out to many sockets pays for one
 * `JSON.stringify` and one UTF-8 encoding, not one of each per socket.
 */
export class MessageFrame {
  readonly message: BusMessage;
  #shared: Buffer | undefined;

  constructor(message: BusMessage) {
    this.message = message;
  }

  /**
   * The frame for a viewer (its UTF-8 bytes when every viewer sees the same, else its text), or null
   * when that viewer may not see the message.
   */
  frameFor(viewerId: string): Buffer | string | null {
    if (this.message.status === 'delivered') {
      this.#shared ??= Buffer.from(JSON.stringify({ type: 'message', message: viewFor(viewerId, this.message) }));
      return this.#shared;
    }
    const view = viewFor(viewerId, this.message);
    return view && JSON.stringify({ type: 'message', message: view });
  }
}
