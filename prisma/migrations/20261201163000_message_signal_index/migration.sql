-- Conversation risk reads the latest signals (messages with screening categories) of a
-- conversation before every send. Without this index that read visits every message of the
-- conversation; with it, only the few that raised a signal.
CREATE INDEX "Message_signals_idx" ON "Message"("conversationId", "seq") WHERE cardinality("categories") > 0;
