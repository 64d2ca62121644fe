using System.Net.Http.Json;
using System.Text.Json;

namespace MySaasChat.Web.Api;

public sealed class AuthApi(ApiClient api, AuthSession session)
{
    /// <summary>Creates the account; null when the server asks the user to confirm the email first (202).</summary>
    public async Task<string?> SignUpAsync(string email, string password, string name)
    {
        using var response = await api.SendRawAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/auth/signup")
        {
            Content = JsonContent.Create(new { email, password, name }, options: ApiClient.Json),
        }, HttpCompletionOption.ResponseContentRead, default);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ApiClient.Json);
        if (body.TryGetProperty("accessToken", out _))
        {
            session.SignedIn(body.Deserialize<TokenResponse>(ApiClient.Json)!);
            return null;
        }
        return body.TryGetProperty("message", out var m) ? m.GetString() : "Check your email to confirm your address.";
    }

    public async Task SignInAsync(string email, string password, string? totp)
    {
        var tokens = await api.PostAsync<TokenResponse>("api/auth/signin", new { email, password, totp = string.IsNullOrWhiteSpace(totp) ? null : totp.Trim() });
        session.SignedIn(tokens);
    }

    public async Task SignOutAsync(bool everywhere = false)
    {
        try
        {
            await api.PostAsync(everywhere ? "api/auth/signout-all" : "api/auth/signout", null);
        }
        catch (ApiProblem)
        {
            // Signed out on this device whatever the server says.
        }
        session.SignedOut();
    }

    /// <summary>The OAuth providers turned on on the server (e.g. "github", "google"); none when it cannot say.</summary>
    public async Task<List<string>> OAuthProvidersAsync()
    {
        try
        {
            return await api.GetAsync<List<string>>("api/auth/oauth/providers");
        }
        catch (Exception e) when (e is ApiProblem or JsonException or NotSupportedException)
        {
            return [];
        }
    }

    public Task<AcceptedResponse> ForgotPasswordAsync(string email) => api.PostAsync<AcceptedResponse>("api/auth/forgot-password", new { email });
    public Task ResetPasswordAsync(string token, string password) => api.PostAsync("api/auth/reset-password", new { token, password });
    public Task VerifyEmailAsync(string token) => api.PostAsync("api/auth/verify-email", new { token });

    public async Task<UserInfo> UpdateProfileAsync(string name, string? avatarUrl, object? preferences)
    {
        var user = await api.PatchAsync<UserInfo>("api/auth/me", new { name, avatarUrl = string.IsNullOrWhiteSpace(avatarUrl) ? null : avatarUrl, preferences });
        session.UserChanged(user);
        return user;
    }

    public Task ChangePasswordAsync(string currentPassword, string newPassword) => api.PostAsync("api/auth/me/password", new { currentPassword, newPassword });
    public Task<List<SessionInfo>> SessionsAsync() => api.GetAsync<List<SessionInfo>>("api/auth/sessions");
    public Task RevokeSessionAsync(Guid id) => api.DeleteAsync($"api/auth/sessions/{id}");
    public Task<TwoFactorSetup> SetupTwoFactorAsync() => api.PostAsync<TwoFactorSetup>("api/auth/2fa/setup", null);
    public Task<RecoveryCodesResponse> EnableTwoFactorAsync(string code) => api.PostAsync<RecoveryCodesResponse>("api/auth/2fa/enable", new { code });
    public Task DisableTwoFactorAsync(string? code, string? password) => api.PostAsync("api/auth/2fa/disable", new { code, password });
    public Task<string> ExportAsync() => api.GetTextAsync("api/auth/me/export");

    public async Task DeleteAccountAsync(string password)
    {
        await api.DeleteAsync("api/auth/me", new { password });
        session.SignedOut();
    }

    public async Task ReloadMeAsync() => session.UserChanged(await api.GetAsync<UserInfo>("api/auth/me"));

    public Task<UserPage> UsersAsync(string? query, int page) =>
        api.GetAsync<UserPage>($"api/auth/admin/users?page={page}" + (string.IsNullOrWhiteSpace(query) ? "" : "&query=" + Uri.EscapeDataString(query)));

    public Task<UserInfo> UpdateUserAsync(Guid id, string? role, bool? disabled) => api.PatchAsync<UserInfo>($"api/auth/admin/users/{id}", new { role, disabled });
}
