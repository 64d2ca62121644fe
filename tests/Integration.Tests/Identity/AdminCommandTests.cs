using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Contracts;
using MySaasChat.Integration.Tests.Platform;
using MySaasChat.Testing;

namespace MySaasChat.Integration.Tests.Identity;

/// <summary>`mysaaschat admin create --email X --password-stdin` against PostgreSQL, as an operator runs it.</summary>
public sealed class AdminCommandTests
{
    private static async Task<(int ExitCode, string Output)> AdminCreateAsync(IDictionary<string, string?> settings, string email, string stdin)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ProgramProcess.ProgramDll);
        foreach (var a in new[] { "admin", "create", "--email", email, "--password-stdin", "--target", "auth" }) psi.ArgumentList.Add(a);
        psi.Environment["DATA_DIR"] = Path.Combine(Path.GetTempPath(), "mysaaschat-tests", Guid.NewGuid().ToString("N"));
        psi.Environment["LOG_LEVEL"] = "warn";
        foreach (var (k, v) in settings) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task The_admin_command_creates_an_admin_who_can_sign_in_and_refuses_a_weak_password()
    {
        var settings = await TestServers.ProductionSettingsAsync();
        settings["AUTH_SECRET"] = "test-auth-secret-0123456789abcdef0123456789";
        settings["MIGRATE_ON_START"] = "true";
        try
        {
            var email = $"root-{Guid.NewGuid():N}@example.com";
            var weak = await AdminCreateAsync(settings, email, "password");
            weak.ExitCode.ShouldNotBe(0, weak.Output);
            weak.Output.ShouldContain("too common");

            var created = await AdminCreateAsync(settings, email, "Blue-Harbor-Lantern-42");
            created.ExitCode.ShouldBe(0, created.Output);
            created.Output.ShouldContain("created");

            await using var app = await TestApp.StartAsync(settings);
            var signin = await app.Client.PostAsJsonAsync("/api/auth/signin", new { email, password = "Blue-Harbor-Lantern-42" });
            signin.StatusCode.ShouldBe(HttpStatusCode.OK, await signin.Content.ReadAsStringAsync());
            var tokens = (await signin.Content.ReadFromJsonAsync<TokenResponse>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
            tokens.User.Role.ShouldBe("admin");
            tokens.User.EmailVerified.ShouldBeTrue();
            using var client = app.CreateClient(tokens.AccessToken);
            (await client.GetAsync("/api/auth/admin/users")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await CleanUp.BrokerAsync(settings);
        }
    }
}
