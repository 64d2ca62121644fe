using System.Net.Http.Json;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class LockoutTests
{
    private static async Task<(TestApp App, FakeTimeProvider Clock)> StartAsync(params (string, string?)[] settings)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = await TestApp.StartAsync(Settings(settings), configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        return (app, clock);
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_until_the_lockout_ends()
    {
        var (app, clock) = await StartAsync(("MAX_LOGIN_ATTEMPTS", "3"), ("ACCOUNT_LOCKOUT_DURATION", "30m"));
        await using var _ = app;
        var email = NewEmail();
        await app.SignUpAsync(email);
        for (var i = 0; i < 3; i++)
        {
            (await app.PostSignInAsync(email, "Wrong-Password-9")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        var locked = await app.PostSignInAsync(email);
        locked.StatusCode.ShouldBe((HttpStatusCode)423, "even the right password is refused while locked");
        (await CodeOf(locked)).ShouldBe("auth.account_locked");

        clock.Advance(TimeSpan.FromMinutes(29));
        (await app.PostSignInAsync(email)).StatusCode.ShouldBe((HttpStatusCode)423);

        clock.Advance(TimeSpan.FromMinutes(2));
        (await app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_successful_sign_in_resets_the_failure_count()
    {
        var (app, _) = await StartAsync(("MAX_LOGIN_ATTEMPTS", "3"));
        await using var __ = app;
        var email = NewEmail();
        await app.SignUpAsync(email);
        for (var round = 0; round < 2; round++)
        {
            (await app.PostSignInAsync(email, "Wrong-Password-9")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await app.PostSignInAsync(email, "Wrong-Password-9")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Refresh_tokens_expire_after_REFRESH_TOKEN_EXPIRY()
    {
        var (app, clock) = await StartAsync(("REFRESH_TOKEN_EXPIRY", "1h"));
        await using var _ = app;
        var tokens = await app.SignUpAsync();
        clock.Advance(TimeSpan.FromMinutes(59));
        var fresh = await app.RefreshAsync(tokens.RefreshToken);
        fresh.StatusCode.ShouldBe(HttpStatusCode.OK);
        var next = (await fresh.Content.ReadFromJsonAsync<MySaasChat.Contracts.TokenResponse>(Json))!;
        clock.Advance(TimeSpan.FromMinutes(2));
        var expired = await app.RefreshAsync(next.RefreshToken);
        expired.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(expired)).ShouldBe("auth.invalid_refresh_token");
    }

    [Fact]
    public async Task A_reset_link_expires_after_PASSWORD_RESET_EXPIRY()
    {
        var (app, clock) = await StartAsync(("PASSWORD_RESET_EXPIRY", "1h"));
        await using var _ = app;
        var email = NewEmail();
        await app.SignUpAsync(email);
        (await app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var token = await app.TokenMailedToAsync("PasswordResetRequested", email);
        clock.Advance(TimeSpan.FromMinutes(61));
        var response = await app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "Another-Good-Phrase-7" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(response)).ShouldBe("auth.invalid_token");
    }
}
