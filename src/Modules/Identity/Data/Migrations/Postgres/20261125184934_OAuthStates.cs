using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MySaasChat.Modules.Identity.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OAuthStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oauth_states",
                schema: "identity",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    StateHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    CodeVerifier = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ReturnTo = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth_states", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth_states_ExpiresAt",
                schema: "identity",
                table: "oauth_states",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_oauth_states_StateHash",
                schema: "identity",
                table: "oauth_states",
                column: "StateHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth_states",
                schema: "identity");
        }
    }
}
