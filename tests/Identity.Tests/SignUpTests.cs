using System.Net;
using System.Net.Http.Json;
using System.Text;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class SignUpTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_up_answers_tokens_and_the_normalised_user_and_sets_a_strict_refresh_cookie()
    {
        var email = NewEmail();
        var response = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email = "  " + email.ToUpperInvariant() + " ", password = Password, name = " Ada Lovelace " });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = (await response.Content.ReadFromJsonAsync<TokenResponse>(Json))!;
        body.AccessToken.ShouldNotBeNullOrEmpty();
        body.RefreshToken.ShouldNotBeNullOrEmpty();
        body.ExpiresIn.ShouldBe(15 * 60);
        body.User.Email.ShouldBe(email);
        body.User.Name.ShouldBe("Ada Lovelace");
        body.User.Role.ShouldBe("user");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("refresh_token=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("secure");
        cookie.ShouldContain("samesite=strict");
        cookie.ShouldContain("path=/api/auth");

        var me = await _app.SendAsync(HttpMethod.Get, "/api/auth/me", body.AccessToken);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await me.Content.ReadFromJsonAsync<UserResponse>(Json))!.Id.ShouldBe(body.User.Id);

        var events = await _app.EventsAsync();
        events.ShouldContain(e => e.Type == nameof(UserRegistered) && e.Payload.GetProperty("email").GetString() == email);
        events.ShouldContain(e => e.Type == nameof(EmailVerificationRequested) && e.Payload.GetProperty("email").GetString() == email);
        events.ShouldContain(e => e.Type == nameof(UserSignedIn) && e.Payload.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task A_taken_email_answers_409_whatever_its_case()
    {
        var email = NewEmail();
        await _app.SignUpAsync(email);
        var response = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email = email.ToUpperInvariant(), password = Password, name = "Eve" });
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await CodeOf(response)).ShouldBe("auth.email_taken");
    }

    [Theory]
    [InlineData("{\"password\":\"Blue-Harbor-Lantern-42\",\"name\":\"A\"}", "email")]
    [InlineData("{\"email\":\"not-an-email\",\"password\":\"Blue-Harbor-Lantern-42\",\"name\":\"A\"}", "email")]
    [InlineData("{\"email\":\"a@b\",\"password\":\"Blue-Harbor-Lantern-42\",\"name\":\"A\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"name\":\"A\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"short1!\",\"name\":\"A\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"password123\",\"name\":\"A\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"qwertyuiop\",\"name\":\"A\"}", "password")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"Blue-Harbor-Lantern-42\"}", "name")]
    [InlineData("{\"email\":\"a@example.com\",\"password\":\"Blue-Harbor-Lantern-42\",\"name\":\"   \"}", "name")]
    public async Task Bad_sign_ups_answer_400_naming_the_field(string json, string field)
    {
        var response = await _app.Client.PostAsync("/api/auth/signup", new StringContent(json, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(response)).ShouldBe(field);
    }

    [Fact]
    public async Task Over_long_fields_and_wrong_types_are_refused()
    {
        var tooLong = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email = NewEmail(), password = new string('x', 129) + "Q1!", name = "A" });
        tooLong.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(tooLong)).ShouldBe("password");

        var longName = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email = NewEmail(), password = Password, name = new string('n', 101) });
        (await FieldOf(longName)).ShouldBe("name");

        var longEmail = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email = new string('e', 250) + "@example.com", password = Password, name = "A" });
        (await FieldOf(longEmail)).ShouldBe("email");

        var wrongType = await _app.Client.PostAsync("/api/auth/signup", new StringContent("{\"email\":42,\"password\":true,\"name\":[]}", Encoding.UTF8, "application/json"));
        wrongType.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await CodeOf(wrongType)).ShouldBe("request.invalid_json");

        var noBody = await _app.Client.PostAsync("/api/auth/signup", new StringContent("", Encoding.UTF8, "application/json"));
        noBody.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_oversized_body_answers_413()
    {
        await using var app = await TestApp.StartAsync(Settings(("MAX_REQUEST_BODY_SIZE", "4kb")));
        var response = await app.Client.PostAsync("/api/auth/signup",
            new StringContent("{\"email\":\"a@example.com\",\"password\":\"" + new string('x', 10_000) + "\",\"name\":\"A\"}", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task The_password_may_not_be_the_email()
    {
        var email = NewEmail();
        var response = await _app.Client.PostAsJsonAsync("/api/auth/signup", new { email, password = email, name = "A" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(response)).ShouldBe("password");
    }
}
