/**
 * The video signalling protocol: every message a client may send and every message the server sends,
 * each a member of a discriminated union (on `type`) with a TypeBox runtime schema.
 *
 * Client requests carry a `requestId` (string or integer) that the server echoes in exactly one
 * `video.response`. Notifications are server-initiated and carry no requestId.
 */
import { Type, type Static, type TLiteral, type TObject, type TProperties } from '@sinclair/typebox';
import type { types as ms } from 'mediasoup';

const Id = Type.String({ minLength: 1, maxLength: 128 });
/** Client-chosen correlation id, echoed in the response. */
export const RequestId = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer()]);
/** Client-chosen correlation id, echoed in the response. */
export type RequestId = Static<typeof RequestId>;
const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
/** How a user takes part in a room: the host (mentor) leads, participants send and receive, observers only receive. */
export const RoomRole = Type.Union([Type.Literal('host'), Type.Literal('participant'), Type.Literal('observer')]);
/** How a user takes part in a room. */
export type RoomRole = Static<typeof RoomRole>;
// mediasoup validates these deeply itself (and rejects bad ones with a TypeError): only their shape is checked here.
const DtlsParameters = Type.Unsafe<ms.DtlsParameters>(Type.Object({ fingerprints: Type.Array(Type.Object({})) }));
const RtpParameters = Type.Unsafe<ms.RtpParameters>(Type.Object({ codecs: Type.Array(Type.Object({})) }));
const RtpCapabilities = Type.Unsafe<ms.RtpCapabilities>(Type.Object({ codecs: Type.Optional(Type.Array(Type.Object({}))) }));

function request<T extends string, P extends TProperties>(type: T, properties: P): TObject<{ type: TLiteral<T>; requestId: typeof RequestId } & P> {
  return Type.Object({ type: Type.Literal(type), requestId: RequestId, ...properties }, { additionalProperties: false });
}

/** Schemas of the client requests, by type. */
export const VideoRequestSchemas = {
  /** Join the video room of a mentorship (roomId = mentorship id), subject to the access policy. */
  'video.join': request('video.join', { roomId: Id }),
  /** Leave the joined room. */
  'video.leave': request('video.leave', {}),
  /** The joined room's router RTP capabilities (also in the join response), to load a mediasoup-client Device. */
  'video.getRouterRtpCapabilities': request('video.getRouterRtpCapabilities', {}),
  /** Create a WebRTC transport to send or to receive; at most one of each per peer. */
  'video.createTransport': request('video.createTransport', { direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]) }),
  /** Give the client's DTLS parameters to one of its transports. */
  'video.connectTransport': request('video.connectTransport', { transportId: Id, dtlsParameters: DtlsParameters }),
  /** Send a track on the send transport. Refused to observers. */
  'video.produce': request('video.produce', { transportId: Id, kind: MediaKind, rtpParameters: RtpParameters }),
  /** Receive another peer's producer on the recv transport; the consumer starts paused. */
  'video.consume': request('video.consume', { transportId: Id, producerId: Id, rtpCapabilities: RtpCapabilities }),
  /** Start the flow of a consumer once the client has set it up. */
  'video.resumeConsumer': request('video.resumeConsumer', { consumerId: Id }),
  /** Pause one of the client's own producers. */
  'video.pauseProducer': request('video.pauseProducer', { producerId: Id }),
  /** Resume one of the client's own producers. */
  'video.resumeProducer': request('video.resumeProducer', { producerId: Id }),
  /** Close one of the client's own producers. */
  'video.closeProducer': request('video.closeProducer', { producerId: Id }),
  /** Host only: pause every producer of a participant (the participant may resume them). */
  'video.muteParticipant': request('video.muteParticipant', { userId: Id }),
  /** Host only: remove a participant, who cannot rejoin while the room lasts. */
  'video.removeParticipant': request('video.removeParticipant', { userId: Id }),
};

/** Type of a client request. */
export type VideoRequestType = keyof typeof VideoRequestSchemas;
/** Any client request: a discriminated union on `type`. */
export type VideoRequest = { [K in VideoRequestType]: Static<(typeof VideoRequestSchemas)[K]> }[VideoRequestType];
/** The client request of a given type. */
export type VideoRequestOf<K extends VideoRequestType> = Extract<VideoRequest, { type: K }>;

/** A peer as other peers see it. */
export const PeerInfo = Type.Object({ userId: Id, as: RoomRole });
/** A peer as other peers see it. */
export type PeerInfo = Static<typeof PeerInfo>;
/** A producer other peers can consume. */
export const ProducerInfo = Type.Object({ producerId: Id, userId: Id, kind: MediaKind, paused: Type.Boolean() });
/** A producer other peers can consume. */
export type ProducerInfo = Static<typeof ProducerInfo>;
/** Why the server took a user out of a room. */
export const RemovedReason = Type.Union([
  Type.Literal('removedByHost'),
  Type.Literal('roomClosed'),
  Type.Literal('joinedElsewhere'),
]);
/** Why the server took a user out of a room. */
export type RemovedReason = Static<typeof RemovedReason>;

/** Schemas of the server notifications, by type. */
export const VideoNotificationSchemas = {
  /** Another peer started a producer: consume it with video.consume. */
  'video.newProducer': Type.Object({ type: Type.Literal('video.newProducer'), roomId: Id, producer: ProducerInfo }),
  /** A producer this client consumed is gone; its consumer is closed. */
  'video.producerClosed': Type.Object({ type: Type.Literal('video.producerClosed'), roomId: Id, producerId: Id, consumerId: Id }),
  /** A peer joined the room (observers included: participants always see who watches). */
  'video.peerJoined': Type.Object({ type: Type.Literal('video.peerJoined'), roomId: Id, peer: PeerInfo }),
  /** A peer left the room. */
  'video.peerLeft': Type.Object({ type: Type.Literal('video.peerLeft'), roomId: Id, userId: Id }),
  /** This client is no longer in the room (removed by the host, room closed, or same user joined elsewhere). */
  'video.removed': Type.Object({ type: Type.Literal('video.removed'), roomId: Id, reason: RemovedReason }),
  /** The host paused this client's producers. */
  'video.muted': Type.Object({ type: Type.Literal('video.muted'), roomId: Id, byUserId: Id }),
};

/** Any server notification. */
export type VideoNotification = {
  [K in keyof typeof VideoNotificationSchemas]: Static<(typeof VideoNotificationSchemas)[K]>;
}[keyof typeof VideoNotificationSchemas];

/** Reply to a request: `ok: true` with the handler's data, or `ok: false` with a stable error code. */
export const VideoResponse = Type.Union([
  Type.Object({ type: Type.Literal('video.response'), requestId: Type.Union([RequestId, Type.Null()]), ok: Type.Literal(true), data: Type.Unknown() }),
  Type.Object({
    type: Type.Literal('video.response'),
    requestId: Type.Union([RequestId, Type.Null()]),
    ok: Type.Literal(false),
    error: Type.Object({ code: Type.String(), message: Type.String() }),
  }),
]);
/** Reply to a request. `requestId` is null when the request was too malformed to carry one. */
export type VideoResponse = Static<typeof VideoResponse>;

/** Any message the server sends on the video channel. */
export type VideoServerMessage = VideoNotification | VideoResponse;

/** Data of a successful video.join. */
export interface JoinResult {
  /** How this user takes part. */
  as: RoomRole;
  /** Router capabilities for mediasoup-client's Device.load(). */
  rtpCapabilities: ms.RtpCapabilities;
  /** The other peers already in the room. */
  peers: PeerInfo[];
  /** The other peers' producers, to consume once a recv transport exists. */
  producers: ProducerInfo[];
}

/** Data of a successful video.createTransport: what mediasoup-client's createSendTransport/createRecvTransport need. */
export interface TransportResult {
  /** Transport id (mediasoup-client's `id`). */
  transportId: string;
  /** ICE parameters. */
  iceParameters: ms.IceParameters;
  /** ICE candidates of the server. */
  iceCandidates: ms.IceCandidate[];
  /** DTLS parameters of the server. */
  dtlsParameters: ms.DtlsParameters;
}

/** Data of a successful video.consume: what mediasoup-client's transport.consume() needs. */
export interface ConsumeResult {
  /** Consumer id. */
  consumerId: string;
  /** The consumed producer. */
  producerId: string;
  /** Media kind. */
  kind: ms.MediaKind;
  /** RTP parameters for the client. */
  rtpParameters: ms.RtpParameters;
  /** Whether the producer is paused at the source (the consumer itself starts paused). */
  producerPaused: boolean;
}

/** Data of each request's successful response (`{}` when there is nothing to return). */
export interface VideoResults {
  'video.join': JoinResult;
  'video.leave': Record<string, never>;
  'video.getRouterRtpCapabilities': { rtpCapabilities: ms.RtpCapabilities };
  'video.createTransport': TransportResult;
  'video.connectTransport': Record<string, never>;
  'video.produce': { producerId: string };
  'video.consume': ConsumeResult;
  'video.resumeConsumer': Record<string, never>;
  'video.pauseProducer': Record<string, never>;
  'video.resumeProducer': Record<string, never>;
  'video.closeProducer': Record<string, never>;
  'video.muteParticipant': Record<string, never>;
  'video.removeParticipant': Record<string, never>;
}
