-- AlterEnum
ALTER TYPE "agreement_status" ADD VALUE 'withdrawn';
