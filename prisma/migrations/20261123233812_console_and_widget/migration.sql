-- CreateEnum
CREATE TYPE "WidgetPosition" AS ENUM ('RIGHT', 'LEFT');

-- CreateEnum
CREATE TYPE "BlockKind" AS ENUM ('DEVICE', 'IP');

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "avatarKey" TEXT,
ADD COLUMN     "offlineMessage" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "preChatForm" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "username" TEXT,
ADD COLUMN     "widgetColor" TEXT NOT NULL DEFAULT '#4f46e5',
ADD COLUMN     "widgetGreeting" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "widgetPosition" "WidgetPosition" NOT NULL DEFAULT 'RIGHT';

-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "attributes" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "currentPage" TEXT,
ADD COLUMN     "email" TEXT,
ADD COLUMN     "locale" TEXT,
ADD COLUMN     "name" TEXT,
ADD COLUMN     "timezone" TEXT;

-- CreateTable
CREATE TABLE "Block" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "kind" "BlockKind" NOT NULL,
    "value" TEXT NOT NULL,
    "deviceId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Block_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CannedReply" (
    "id" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "shortcut" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CannedReply_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Block_agentId_kind_value_key" ON "Block"("agentId", "kind", "value");

-- CreateIndex
CREATE UNIQUE INDEX "CannedReply_agentId_shortcut_key" ON "CannedReply"("agentId", "shortcut");

-- CreateIndex
CREATE UNIQUE INDEX "Agent_username_key" ON "Agent"("username");

-- AddForeignKey
ALTER TABLE "Block" ADD CONSTRAINT "Block_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CannedReply" ADD CONSTRAINT "CannedReply_agentId_fkey" FOREIGN KEY ("agentId") REFERENCES "Agent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
