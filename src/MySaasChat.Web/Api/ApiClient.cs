using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Components.WebAssembly.Http;

namespace MySaasChat.Web.Api;

/// <summary>
/// The one door to the public API: adds the bearer token, refreshes it through the httpOnly cookie
/// when it has expired (one refresh at a time: a rotated refresh token must never be sent twice),
/// and turns error answers into <see cref="ApiProblem"/>.
/// </summary>
public sealed class ApiClient(HttpClient http, AuthSession session, ConnectionState connection)
{
    /// <summary>The identity API refuses cookie refreshes without it: a cross-site page cannot send it without CORS.</summary>
    public const string CsrfHeader = "X-Requested-With";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private Task<bool>? _refreshing;

    public AuthSession Session => session;

    public Task<T> GetAsync<T>(string url, CancellationToken ct = default) =>
        SendAsync<T>(() => new HttpRequestMessage(HttpMethod.Get, url), ct);

    public Task<T> PostAsync<T>(string url, object? body, CancellationToken ct = default) =>
        SendAsync<T>(() => WithBody(HttpMethod.Post, url, body), ct);

    public Task<T> PatchAsync<T>(string url, object body, CancellationToken ct = default) =>
        SendAsync<T>(() => WithBody(HttpMethod.Patch, url, body), ct);

    public async Task PostAsync(string url, object? body, CancellationToken ct = default)
    {
        using var _ = await SendRawAsync(() => WithBody(HttpMethod.Post, url, body), HttpCompletionOption.ResponseContentRead, ct);
    }

    public async Task DeleteAsync(string url, object? body = null, CancellationToken ct = default)
    {
        using var _ = await SendRawAsync(() => WithBody(HttpMethod.Delete, url, body), HttpCompletionOption.ResponseContentRead, ct);
    }

    public async Task<string> GetTextAsync(string url, CancellationToken ct = default)
    {
        using var response = await SendRawAsync(() => new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseContentRead, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        using var response = await SendRawAsync(build, HttpCompletionOption.ResponseContentRead, ct);
        return (await response.Content.ReadFromJsonAsync<T>(Json, ct))!;
    }

    /// <summary>Sends with the access token; on 401 refreshes once and retries. Non-success answers throw <see cref="ApiProblem"/>.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, CancellationToken ct, bool streaming = false)
    {
        if (session.AccessToken is not null && session.NeedsRefresh)
        {
            await RefreshAsync();
        }
        var response = await SendOnceAsync(build, completion, streaming, ct);
        if (response.StatusCode == HttpStatusCode.Unauthorized && session.AccessToken is not null)
        {
            response.Dispose();
            if (await RefreshAsync())
            {
                response = await SendOnceAsync(build, completion, streaming, ct);
            }
            else
            {
                throw new ApiProblem(HttpStatusCode.Unauthorized, "auth.unauthorized", "Your session has ended", "Sign in again.", null, new Dictionary<string, string[]>());
            }
        }
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var status = response.StatusCode;
            response.Dispose();
            throw ApiProblem.Parse(status, body);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> build, HttpCompletionOption completion, bool streaming, CancellationToken ct)
    {
        using var request = build();
        if (session.AccessToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (streaming)
        {
            request.SetBrowserResponseStreamingEnabled(true);
        }
        try
        {
            var response = await http.SendAsync(request, completion, ct);
            connection.Reachable();
            return response;
        }
        catch (HttpRequestException)
        {
            connection.Unreachable();
            throw ApiProblem.Offline();
        }
    }

    /// <summary>Gets a new access token with the refresh cookie. Concurrent callers share one attempt.</summary>
    public Task<bool> RefreshAsync()
    {
        lock (this)
        {
            var attempt = _refreshing ??= RefreshCoreAsync();
            if (attempt.IsCompleted) _refreshing = null;
            return attempt;
        }
    }

    private async Task<bool> RefreshCoreAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/refresh");
            request.Headers.Add(CsrfHeader, "mysaaschat-web");
            request.SetBrowserRequestCredentials(BrowserRequestCredentials.SameOrigin);
            using var response = await http.SendAsync(request);
            connection.Reachable();
            if (!response.IsSuccessStatusCode)
            {
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
                {
                    session.SignedOut();
                }
                return false;
            }
            var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(Json);
            session.SignedIn(tokens!);
            return true;
        }
        catch (HttpRequestException)
        {
            connection.Unreachable();
            return false;
        }
        finally
        {
            lock (this)
            {
                _refreshing = null;
            }
        }
    }

    private static HttpRequestMessage WithBody(HttpMethod method, string url, object? body)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        return request;
    }
}

/// <summary>Whether the server answered lately; the layout shows a banner while it does not.</summary>
public sealed class ConnectionState
{
    public bool IsOnline { get; private set; } = true;
    public event Action? Changed;

    public void Reachable()
    {
        if (IsOnline) return;
        IsOnline = true;
        Changed?.Invoke();
    }

    public void Unreachable()
    {
        if (!IsOnline) return;
        IsOnline = false;
        Changed?.Invoke();
    }
}
