-- CreateTable
CREATE TABLE "links" (
    "id" UUID NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "code_key" VARCHAR(32) NOT NULL,
    "url" VARCHAR(2048) NOT NULL,
    "owner_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "unique_visitors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "link_click_hours" (
    "link_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "clicks" INTEGER NOT NULL,

    CONSTRAINT "link_click_hours_pkey" PRIMARY KEY ("link_id","hour")
);

-- CreateTable
CREATE TABLE "link_referrers" (
    "link_id" UUID NOT NULL,
    "referrer" VARCHAR(255) NOT NULL,
    "clicks" INTEGER NOT NULL,

    CONSTRAINT "link_referrers_pkey" PRIMARY KEY ("link_id","referrer")
);

-- CreateTable
CREATE TABLE "link_visitors" (
    "link_id" UUID NOT NULL,
    "visitor" VARCHAR(32) NOT NULL,

    CONSTRAINT "link_visitors_pkey" PRIMARY KEY ("link_id","visitor")
);

-- CreateTable
CREATE TABLE "click_batches" (
    "id" UUID NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "click_batches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "links_code_key_key" ON "links"("code_key");

-- CreateIndex
CREATE INDEX "links_owner_id_created_at_id_idx" ON "links"("owner_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "links_clicks_id_idx" ON "links"("clicks" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "link_referrers_link_id_clicks_idx" ON "link_referrers"("link_id", "clicks" DESC);

-- CreateIndex
CREATE INDEX "click_batches_applied_at_idx" ON "click_batches"("applied_at");

-- AddForeignKey
ALTER TABLE "link_click_hours" ADD CONSTRAINT "link_click_hours_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "link_referrers" ADD CONSTRAINT "link_referrers_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "links"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "link_visitors" ADD CONSTRAINT "link_visitors_link_id_fkey" FOREIGN KEY ("link_id") REFERENCES "links"("id") ON DELETE CASCADE ON UPDATE CASCADE;
