using System.Net;
using System.Net.Http.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using OtpNet;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class TwoFactorTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static string Code(string secret, int stepOffset = 0) =>
        new Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(DateTime.UtcNow.AddSeconds(30 * stepOffset));

    private async Task<(string Email, TokenResponse Tokens, string Secret, List<string> Recovery)> EnableAsync()
    {
        var email = NewEmail();
        var tokens = await _app.SignUpAsync(email);
        var setup = await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/setup", tokens.AccessToken);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await setup.Content.ReadFromJsonAsync<TwoFactorSetupResponse>(Json))!;
        body.OtpauthUri.ShouldStartWith("otpauth://totp/");
        body.OtpauthUri.ShouldContain("secret=" + body.Secret);
        var enable = await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/enable", tokens.AccessToken, new { code = Code(body.Secret) });
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        var codes = (await enable.Content.ReadFromJsonAsync<RecoveryCodesResponse>(Json))!.RecoveryCodes.ToList();
        codes.Count.ShouldBe(10);
        return (email, tokens, body.Secret, codes);
    }

    [Fact]
    public async Task With_two_factor_on_sign_in_needs_a_current_code()
    {
        var (email, _, secret, _) = await EnableAsync();
        var noCode = await _app.PostSignInAsync(email);
        noCode.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(noCode)).ShouldBe("auth.totp_required");
        var wrong = await _app.PostSignInAsync(email, totp: "000000");
        (await CodeOf(wrong)).ShouldBe("auth.invalid_totp");
        var code = Code(secret, 1); // a step after the one used to enable (within the allowed drift)
        (await _app.PostSignInAsync(email, totp: code)).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The same code cannot be replayed.
        (await CodeOf(await _app.PostSignInAsync(email, totp: code))).ShouldBe("auth.invalid_totp");
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(TwoFactorChanged) && e.Payload.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var (email, _, _, codes) = await EnableAsync();
        (await _app.PostSignInAsync(email, totp: codes[0].ToUpperInvariant())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CodeOf(await _app.PostSignInAsync(email, totp: codes[0]))).ShouldBe("auth.invalid_totp");
        (await _app.PostSignInAsync(email, totp: codes[1])).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Enabling_needs_a_valid_code_and_a_setup_first()
    {
        var tokens = await _app.SignUpAsync();
        var before = await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/enable", tokens.AccessToken, new { code = "123456" });
        before.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/setup", tokens.AccessToken);
        var wrong = await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/enable", tokens.AccessToken, new { code = "12345x" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(wrong)).ShouldBe("auth.invalid_totp");
        var missing = await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/enable", tokens.AccessToken, new { });
        (await FieldOf(missing)).ShouldBe("code");
        (await _app.Client.PostAsync("/api/auth/2fa/setup", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Disabling_needs_the_password_or_a_code()
    {
        var (email, tokens, _, _) = await EnableAsync();
        (await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/disable", tokens.AccessToken, new { })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/disable", tokens.AccessToken, new { password = "Wrong-Password-1" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _app.SendAsync(HttpMethod.Post, "/api/auth/2fa/disable", tokens.AccessToken, new { password = Password })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
