-- CreateTable
CREATE TABLE "likes" (
    "post_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "likes_pkey" PRIMARY KEY ("post_id","user_id")
);

-- CreateTable
CREATE TABLE "known_posts" (
    "id" UUID NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "known_posts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "likes_post_id_created_at_user_id_idx" ON "likes"("post_id", "created_at" DESC, "user_id" DESC);

-- CreateIndex
CREATE INDEX "likes_user_id_created_at_post_id_idx" ON "likes"("user_id", "created_at" DESC, "post_id" DESC);

-- CreateIndex
CREATE INDEX "likes_created_at_idx" ON "likes"("created_at");

-- AddForeignKey
ALTER TABLE "likes" ADD CONSTRAINT "likes_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "known_posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
