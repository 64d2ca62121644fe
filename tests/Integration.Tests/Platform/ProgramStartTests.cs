using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Testing;

namespace MySaasChat.Integration.Tests.Platform;

/// <summary>The built program as an operator starts it, on the real PostgreSQL, Redis and RabbitMQ.</summary>
public sealed class ProgramStartTests
{
    [Fact]
    public async Task The_program_starts_on_postgres_redis_and_rabbitmq_and_reports_each()
    {
        var env = await TestServers.ProductionSettingsAsync();
        await using var program = ProgramProcess.Start(env);
        var response = await program.WaitForAsync("/health/detailed", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var checks = body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        checks["redis"].ShouldBe("healthy");
        checks["rabbitmq"].ShouldBe("healthy");
        checks.Keys.Where(k => k.StartsWith("database:")).ShouldNotBeEmpty("every module's database is checked");
        checks.Where(c => c.Key.StartsWith("database:")).ShouldAllBe(c => c.Value == "healthy");
    }

    [Fact]
    public async Task A_separate_target_without_a_broker_refuses_to_start_and_names_the_variable()
    {
        var (exit, output) = await ProgramProcess.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromSeconds(60), "serve", "--target", "chat");
        exit.ShouldNotBe(0);
        output.ShouldContain("RABBITMQ_URL");
    }

    [Fact]
    public async Task A_malformed_database_url_stops_start_up_naming_it()
    {
        var (exit, output) = await ProgramProcess.RunAsync(new Dictionary<string, string?> { ["DATABASE_URL"] = "postgres//oops" },
            TimeSpan.FromSeconds(60), "serve");
        exit.ShouldNotBe(0);
        output.ShouldContain("DATABASE_URL");
    }

    [Fact]
    public async Task A_database_url_with_a_wrong_password_stops_start_up_naming_it()
    {
        var (exit, output) = await ProgramProcess.RunAsync(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgres://postgres:certainly-wrong@127.0.0.1:5432/postgres",
        }, TimeSpan.FromSeconds(90), "serve");
        exit.ShouldNotBe(0);
        output.ShouldContain("DATABASE_URL");
        output.ShouldContain("password authentication failed");
    }

    [Fact]
    public async Task Migrate_applies_every_module_schema_and_serve_then_runs_without_migrating()
    {
        var env = await TestServers.ProductionSettingsAsync();
        var (exit, output) = await ProgramProcess.RunAsync(env, TimeSpan.FromSeconds(90), "migrate");
        exit.ShouldBe(0, output);
        env["MIGRATE_ON_START"] = "false";
        await using var program = ProgramProcess.Start(env);
        await program.WaitForAsync("/health/detailed", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_port_already_in_use_stops_start_up_with_a_plain_message()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
            var (exit, output) = await ProgramProcess.RunAsync(new Dictionary<string, string?>(), TimeSpan.FromSeconds(60), "serve", "--port", port.ToString());
            exit.ShouldBe(1);
            output.ShouldContain("PORT");
            output.ShouldContain("already in use");
            output.ShouldNotContain("Unhandled exception");
        }
        finally
        {
            listener.Stop();
        }
    }
}
