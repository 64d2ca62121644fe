using System.Net;
using System.Net.Http.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class EmailFlowTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Forgot_password_answers_the_same_whether_or_not_the_account_exists()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        var known = await _app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email });
        var unknown = await _app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email = NewEmail() });
        known.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await known.Content.ReadAsStringAsync()).ShouldBe(await unknown.Content.ReadAsStringAsync());
        (await _app.EventsAsync()).Count(e => e.Type == nameof(PasswordResetRequested)).ShouldBe(1);
    }

    [Fact]
    public async Task A_reset_link_sets_a_new_password_once_and_signs_out_everywhere()
    {
        var email = NewEmail();
        var session = await _app.SignUpAsync(email);
        (await _app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email })).EnsureSuccessStatusCode();
        var token = await _app.TokenMailedToAsync(nameof(PasswordResetRequested), email);

        var weak = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "12345678" });
        weak.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(weak)).ShouldBe("password");

        var reset = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "Another-Good-Phrase-7" });
        reset.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.PostSignInAsync(email, "Another-Good-Phrase-7")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.RefreshAsync(session.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", session.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var again = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token, password = "Third-Good-Phrase-9" });
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(again)).ShouldBe("auth.invalid_token");
    }

    [Fact]
    public async Task Reset_and_verify_refuse_made_up_or_missing_tokens()
    {
        var reset = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token = "made-up", password = "Another-Good-Phrase-7" });
        (await CodeOf(reset)).ShouldBe("auth.invalid_token");
        var missing = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { password = "Another-Good-Phrase-7" });
        (await FieldOf(missing)).ShouldBe("token");
        var verify = await _app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token = "made-up" });
        (await CodeOf(verify)).ShouldBe("auth.invalid_token");
        var verifyMissing = await _app.Client.PostAsJsonAsync("/api/auth/verify-email", new { });
        (await FieldOf(verifyMissing)).ShouldBe("token");
        var badEmail = await _app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email = "nope" });
        (await FieldOf(badEmail)).ShouldBe("email");
        var badResend = await _app.Client.PostAsJsonAsync("/api/auth/resend-verification", new { });
        (await FieldOf(badResend)).ShouldBe("email");
    }

    [Fact]
    public async Task A_verification_token_cannot_reset_a_password()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        var verifyToken = await _app.TokenMailedToAsync(nameof(EmailVerificationRequested), email);
        var response = await _app.Client.PostAsJsonAsync("/api/auth/reset-password", new { token = verifyToken, password = "Another-Good-Phrase-7" });
        (await CodeOf(response)).ShouldBe("auth.invalid_token");
    }

    [Fact]
    public async Task Verifying_the_email_marks_the_account_verified_once()
    {
        var email = NewEmail();
        var user = await _app.SignUpAsync(email);
        user.User.EmailVerified.ShouldBeFalse();
        var token = await _app.TokenMailedToAsync(nameof(EmailVerificationRequested), email);
        (await _app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var me = (await (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", user.AccessToken)).Content.ReadFromJsonAsync<UserResponse>(Json))!;
        me.EmailVerified.ShouldBeTrue();
        (await _app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

public sealed class RequiredVerificationTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings(("REQUIRE_EMAIL_VERIFICATION", "true")));
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_up_answers_202_the_same_for_a_new_and_a_taken_email()
    {
        var email = NewEmail();
        var first = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" });
        var second = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = "Other-Pass-Phrase-3", name = "Eve" });
        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        (await first.Content.ReadAsStringAsync()).ShouldBe(await second.Content.ReadAsStringAsync());
        first.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task Sign_in_waits_for_the_verified_email()
    {
        var email = NewEmail();
        (await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var before = await _app.PostSignInAsync(email);
        before.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(before)).ShouldBe("auth.email_not_verified");

        (await _app.Client.PostAsJsonAsync("/api/auth/resend-verification", new { email })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var token = await _app.TokenMailedToAsync(nameof(EmailVerificationRequested), email);
        (await _app.Client.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_wrong_password_on_an_unverified_account_reveals_nothing()
    {
        var email = NewEmail();
        await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = Password, name = "Ada" });
        var response = await _app.PostSignInAsync(email, "Wrong-Password-1");
        (await CodeOf(response)).ShouldBe("auth.invalid_credentials");
    }
}
