using MySaasChat.Contracts;
using MySaasChat.Hosting;
using MySaasChat.Messaging;

namespace MySaasChat.Modules.Identity.Events;

/// <summary>Puts a revoked session on the shared revocation list that every service checks access tokens against.</summary>
public sealed class SessionRevokedHandler(SessionRevocations revocations) : IIntegrationEventHandler<SessionRevoked>
{
    public Task HandleAsync(SessionRevoked @event, CancellationToken cancellationToken) =>
        revocations.RevokeAsync(@event.SessionId.ToString(), @event.AccessTokensValidUntil, cancellationToken);
}
