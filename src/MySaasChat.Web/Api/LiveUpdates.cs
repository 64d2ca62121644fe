using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace MySaasChat.Web.Api;

/// <summary>
/// The chat hub: every tab and device of a user sees the same answers stream and the same titles.
/// WebSockets only, the access token in the query (browsers cannot set headers there). When the hub
/// cannot be reached the chat still works: the page sends over SSE and polls a stream it did not start.
/// </summary>
public sealed class LiveUpdates(ApiClient api, AuthSession session, ConnectionState connection, Microsoft.AspNetCore.Components.NavigationManager nav) : IAsyncDisposable
{
    private HubConnection? _hub;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<Guid> _joined = [];

    public bool IsConnected => _hub?.State == HubConnectionState.Connected;

    public event Action<JsonElement>? MessageCreated;
    public event Action<Guid, Guid, string>? Delta;
    public event Action<ChatMessage>? Completed;
    public event Action<ConversationSummary>? ConversationUpdated;
    /// <summary>Connected, reconnecting or closed.</summary>
    public event Action? StateChanged;

    public async Task StartAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_hub is not null || !session.IsSignedIn) return;
            var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(new Uri(nav.BaseUri), "api/chat/hub"), o =>
                {
                    o.Transports = HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                    o.AccessTokenProvider = async () =>
                    {
                        if (session.NeedsRefresh) await api.RefreshAsync();
                        return session.AccessToken;
                    };
                })
                .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)])
                .Build();
            hub.On<JsonElement>("MessageCreated", e => MessageCreated?.Invoke(e));
            hub.On<JsonElement>("Delta", e =>
            {
                if (e.TryGetProperty("conversationId", out var c) && c.TryGetGuid(out var conversationId)
                    && e.TryGetProperty("messageId", out var m) && m.TryGetGuid(out var messageId))
                {
                    Delta?.Invoke(conversationId, messageId, e.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "");
                }
            });
            hub.On<JsonElement>("Completed", e =>
            {
                if (e.Deserialize<ChatMessage>(ApiClient.Json) is { } message) Completed?.Invoke(message);
            });
            hub.On<JsonElement>("ConversationUpdated", e =>
            {
                if (e.Deserialize<ConversationSummary>(ApiClient.Json) is { } c) ConversationUpdated?.Invoke(c);
            });
            hub.Reconnecting += _ => { connection.Unreachable(); StateChanged?.Invoke(); return Task.CompletedTask; };
            hub.Reconnected += async _ =>
            {
                connection.Reachable();
                // Groups do not survive a new connection: join again.
                foreach (var id in _joined.ToList()) await TryJoinAsync(hub, id);
                StateChanged?.Invoke();
            };
            hub.Closed += _ => { _hub = null; StateChanged?.Invoke(); return Task.CompletedTask; };
            _hub = hub;
            try
            {
                await hub.StartAsync();
                foreach (var id in _joined.ToList()) await TryJoinAsync(hub, id);
                StateChanged?.Invoke();
            }
            catch (Exception e) when (e is HttpRequestException or System.Net.WebSockets.WebSocketException or InvalidOperationException or TimeoutException)
            {
                _hub = null;
                await hub.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task JoinAsync(Guid conversationId)
    {
        _joined.Add(conversationId);
        if (_hub is { State: HubConnectionState.Connected } hub) await TryJoinAsync(hub, conversationId);
    }

    public async Task LeaveAsync(Guid conversationId)
    {
        _joined.Remove(conversationId);
        if (_hub is { State: HubConnectionState.Connected } hub)
        {
            try { await hub.InvokeAsync("LeaveConversation", conversationId); }
            catch (Exception e) when (e is HubException or InvalidOperationException) { }
        }
    }

    private static async Task TryJoinAsync(HubConnection hub, Guid conversationId)
    {
        try { await hub.InvokeAsync("JoinConversation", conversationId); }
        catch (Exception e) when (e is HubException or InvalidOperationException) { }
    }

    public async Task StopAsync()
    {
        _joined.Clear();
        if (_hub is { } hub)
        {
            _hub = null;
            await hub.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
