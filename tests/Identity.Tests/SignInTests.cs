using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class SignInTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_in_with_the_right_password_answers_tokens_whatever_the_email_case()
    {
        var email = NewEmail();
        var signup = await _app.SignUpAsync(email);
        var tokens = await _app.SignInAsync(email.ToUpperInvariant());
        tokens.User.Id.ShouldBe(signup.User.Id);
        tokens.RefreshToken.ShouldNotBe(signup.RefreshToken);
        var me = await _app.SendAsync(HttpMethod.Get, "/api/auth/me", tokens.AccessToken);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_answer_the_same()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        var wrong = await _app.PostSignInAsync(email, "Not-The-Password-1");
        var unknown = await _app.PostSignInAsync(NewEmail(), "Not-The-Password-1");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await CodeOf(wrong)).ShouldBe("auth.invalid_credentials");
        (await CodeOf(unknown)).ShouldBe("auth.invalid_credentials");
    }

    [Fact]
    public async Task An_unknown_email_takes_about_as_long_as_a_wrong_password()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        // Warm up both paths, then take the median of a few tries each.
        await _app.PostSignInAsync(email, "Not-The-Password-1");
        await _app.PostSignInAsync(NewEmail(), "Not-The-Password-1");
        var known = new List<double>();
        var unknown = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            await _app.PostSignInAsync(email, "Not-The-Password-" + i);
            known.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            await _app.PostSignInAsync(NewEmail(), "Not-The-Password-" + i);
            unknown.Add(sw.Elapsed.TotalMilliseconds);
        }
        var k = known.Order().ElementAt(2);
        var u = unknown.Order().ElementAt(2);
        // Without the dummy hash an unknown email answers in ~1 ms against ~100+ ms for a hash.
        u.ShouldBeGreaterThan(k * 0.3, $"known {k:F0} ms, unknown {u:F0} ms");
    }

    [Theory]
    [InlineData("{\"password\":\"x\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"\"}", "password")]
    public async Task Missing_fields_answer_400_naming_the_field(string json, string field)
    {
        var response = await _app.Client.PostAsync("/api/auth/signin", new StringContent(json, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(response)).ShouldBe(field);
    }

    [Fact]
    public async Task Wrong_types_and_oversized_fields_answer_400()
    {
        var wrongType = await _app.Client.PostAsync("/api/auth/signin", new StringContent("{\"email\":{},\"password\":1}", Encoding.UTF8, "application/json"));
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(wrongType)).ShouldBe("request.invalid_json");
        var huge = await _app.Client.PostAsJsonAsync("/api/auth/signin", new { email = "a@example.com", password = new string('p', 5000) });
        huge.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(huge)).ShouldBe("password");
    }

    [Fact]
    public async Task A_new_device_is_flagged_in_the_signed_in_event_and_a_known_one_is_not()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        (await _app.PostSignInAsync(email, userAgent: "Firefox/1")).EnsureSuccessStatusCode();
        (await _app.PostSignInAsync(email, userAgent: "Firefox/1")).EnsureSuccessStatusCode();
        var signIns = (await _app.EventsAsync()).Where(e => e.Type == nameof(UserSignedIn) && e.Payload.GetProperty("email").GetString() == email
            && e.Payload.GetProperty("device").GetString() == "Firefox/1").ToList();
        signIns.Count.ShouldBe(2);
        signIns.Count(e => e.Payload.GetProperty("newDevice").GetBoolean()).ShouldBe(1);
    }

    [Fact]
    public async Task Sign_in_is_rate_limited_per_client()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string?> { ["AUTH_RATE_LIMIT_MAX_REQUESTS"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            (await app.PostSignInAsync(NewEmail(), "Whatever-123")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        var limited = await app.PostSignInAsync(NewEmail(), "Whatever-123");
        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter.ShouldNotBeNull();
        var forgot = await app.Client.PostAsJsonAsync("/api/auth/forgot-password", new { email = NewEmail() });
        forgot.StatusCode.ShouldBe(HttpStatusCode.Accepted, "each endpoint has its own budget");
    }

    [Fact]
    public async Task A_disabled_account_cannot_sign_in()
    {
        var email = NewEmail();
        var user = await _app.SignUpAsync(email);
        await _app.SetDisabledAsync(user.User.Id, true);
        var response = await _app.PostSignInAsync(email);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await CodeOf(response)).ShouldBe("auth.account_disabled");
    }
}
