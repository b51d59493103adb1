// drizzle-kit configuration: generates the SQL migrations in ./drizzle from the store's schema.
// Run `npm run gen:migrations -w @vigil/coordinator` after changing a table; commit the output.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/schema.ts",
  out: "./drizzle",
});
