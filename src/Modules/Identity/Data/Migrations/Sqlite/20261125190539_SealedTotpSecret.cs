using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MySaasChat.Modules.Identity.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SealedTotpSecret : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {

        }
    }
}
