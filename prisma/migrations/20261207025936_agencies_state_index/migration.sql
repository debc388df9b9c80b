-- CreateIndex
CREATE INDEX "agencies_state_code_idx" ON "agencies"("state_code");
