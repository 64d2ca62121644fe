using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MySaasChat.Contracts;
using MySaasChat.Testing;
using static MySaasChat.Identity.Tests.IdentityApi;

namespace MySaasChat.Identity.Tests;

public sealed class MeTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(Settings());
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Me_needs_a_token()
    {
        (await _app.Client.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.Client.GetAsync("/api/auth/me/export")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Patch_me_updates_name_avatar_and_preferences_and_publishes_UserUpdated()
    {
        var user = await _app.SignUpAsync();
        var response = await _app.SendAsync(HttpMethod.Patch, "/api/auth/me", user.AccessToken,
            new { name = "Grace", avatarUrl = "https://cdn.example.com/a.png", preferences = new { theme = "dark", language = "fr" } });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var me = (await (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", user.AccessToken)).Content.ReadFromJsonAsync<UserResponse>(Json))!;
        me.Name.ShouldBe("Grace");
        me.AvatarUrl.ShouldBe("https://cdn.example.com/a.png");
        me.Preferences!.Value.GetProperty("theme").GetString().ShouldBe("dark");
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(UserUpdated) && e.Payload.GetProperty("name").GetString() == "Grace");
    }

    [Theory]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"avatarUrl\":\"javascript:alert(1)\"}", "avatarUrl")]
    [InlineData("{\"avatarUrl\":\"http://insecure.example.com/a.png\"}", "avatarUrl")]
    [InlineData("{\"preferences\":[1,2]}", "preferences")]
    [InlineData("{\"preferences\":\"dark\"}", "preferences")]
    public async Task Bad_profile_updates_answer_400_naming_the_field(string json, string field)
    {
        var user = await _app.SignUpAsync();
        var request = Authorized(HttpMethod.Patch, "/api/auth/me", user.AccessToken);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await _app.Client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(response)).ShouldBe(field);
    }

    [Fact]
    public async Task Oversized_preferences_and_names_are_refused()
    {
        var user = await _app.SignUpAsync();
        var big = await _app.SendAsync(HttpMethod.Patch, "/api/auth/me", user.AccessToken, new { preferences = new { blob = new string('x', 9000) } });
        (await FieldOf(big)).ShouldBe("preferences");
        var longName = await _app.SendAsync(HttpMethod.Patch, "/api/auth/me", user.AccessToken, new { name = new string('n', 101) });
        (await FieldOf(longName)).ShouldBe("name");
    }

    [Fact]
    public async Task Changing_the_password_needs_the_current_one_and_signs_out_other_devices()
    {
        var email = NewEmail();
        var other = await _app.SignUpAsync(email);
        var here = await _app.SignInAsync(email);

        var wrong = await _app.SendAsync(HttpMethod.Post, "/api/auth/me/password", here.AccessToken, new { currentPassword = "Wrong-Password-1", newPassword = "Fresh-Granite-Meadow-8" });
        wrong.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var weak = await _app.SendAsync(HttpMethod.Post, "/api/auth/me/password", here.AccessToken, new { currentPassword = Password, newPassword = "password1" });
        weak.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await FieldOf(weak)).ShouldBe("newPassword");
        var missing = await _app.SendAsync(HttpMethod.Post, "/api/auth/me/password", here.AccessToken, new { newPassword = "Fresh-Granite-Meadow-8" });
        (await FieldOf(missing)).ShouldBe("currentPassword");

        var ok = await _app.SendAsync(HttpMethod.Post, "/api/auth/me/password", here.AccessToken, new { currentPassword = Password, newPassword = "Fresh-Granite-Meadow-8" });
        ok.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.RefreshAsync(other.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", other.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", here.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.PostSignInAsync(email, "Fresh-Granite-Meadow-8")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Export_returns_the_users_own_data_without_secrets()
    {
        var user = await _app.SignUpAsync();
        var response = await _app.SendAsync(HttpMethod.Get, "/api/auth/me/export", user.AccessToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentDisposition?.DispositionType.ShouldBe("attachment");
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("account").GetProperty("email").GetString().ShouldBe(user.User.Email);
        body.GetProperty("sessions").GetArrayLength().ShouldBe(1);
        text.ShouldNotContain("argon2");
        text.ShouldNotContain("passwordHash", Case.Insensitive);
    }

    [Fact]
    public async Task Deleting_the_account_needs_the_password_then_erases_it_and_publishes_UserDeleted()
    {
        var email = NewEmail();
        var user = await _app.SignUpAsync(email);
        (await _app.SendAsync(HttpMethod.Delete, "/api/auth/me", user.AccessToken, new { })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await _app.SendAsync(HttpMethod.Delete, "/api/auth/me", user.AccessToken, new { password = "Wrong-Password-1" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var deleted = await _app.SendAsync(HttpMethod.Delete, "/api/auth/me", user.AccessToken, new { password = Password });
        deleted.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await _app.SendAsync(HttpMethod.Get, "/api/auth/me", user.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.RefreshAsync(user.RefreshToken)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.PostSignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await _app.EventsAsync()).ShouldContain(e => e.Type == nameof(UserDeleted) && e.Payload.GetProperty("userId").GetGuid() == user.User.Id);
        // The address is free again.
        await _app.SignUpAsync(email);
    }
}
