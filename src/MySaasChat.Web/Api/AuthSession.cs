namespace MySaasChat.Web.Api;

/// <summary>
/// Who is signed in. The access token lives only in memory (never in storage); after a reload the
/// httpOnly refresh cookie gets a new one silently.
/// </summary>
public sealed class AuthSession(TimeProvider time)
{
    public string? AccessToken { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public UserInfo? User { get; private set; }
    /// <summary>True once the first silent refresh has been tried, so pages know whether "signed out" is final.</summary>
    public bool Restored { get; set; }

    public bool IsSignedIn => AccessToken is not null && User is not null;
    public bool IsAdmin => string.Equals(User?.Role, "admin", StringComparison.OrdinalIgnoreCase);
    /// <summary>Refresh a little before expiry so a request never leaves with a token about to die.</summary>
    public bool NeedsRefresh => AccessToken is null || time.GetUtcNow() >= ExpiresAt - TimeSpan.FromSeconds(30);

    public event Action? Changed;

    public void SignedIn(TokenResponse tokens)
    {
        AccessToken = tokens.AccessToken;
        ExpiresAt = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Max(tokens.ExpiresIn, 60));
        User = tokens.User;
        Changed?.Invoke();
    }

    public void UserChanged(UserInfo user)
    {
        User = user;
        Changed?.Invoke();
    }

    public void SignedOut()
    {
        AccessToken = null;
        User = null;
        Changed?.Invoke();
    }
}
