-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "allowedOrigins" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "identitySecret" TEXT NOT NULL DEFAULT (replace((gen_random_uuid())::text, '-'::text, ''::text) || replace((gen_random_uuid())::text, '-'::text, ''::text));

-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "externalUserId" TEXT,
ADD COLUMN     "identityAgentId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Device_identityAgentId_externalUserId_key" ON "Device"("identityAgentId", "externalUserId");

-- AddForeignKey
ALTER TABLE "Device" ADD CONSTRAINT "Device_identityAgentId_fkey" FOREIGN KEY ("identityAgentId") REFERENCES "Agent"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
