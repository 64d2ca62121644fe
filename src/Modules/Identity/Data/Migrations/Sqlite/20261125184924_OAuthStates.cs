using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MySaasChat.Modules.Identity.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OAuthStates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oauth_states",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    StateHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    CodeVerifier = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ReturnTo = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oauth_states", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oauth_states_ExpiresAt",
                table: "oauth_states",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_oauth_states_StateHash",
                table: "oauth_states",
                column: "StateHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oauth_states");
        }
    }
}
