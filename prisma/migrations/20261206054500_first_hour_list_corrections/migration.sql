-- AlterEnum
ALTER TYPE "list_date_source" ADD VALUE 'correction';
