using MySaasChat.Hosting;

namespace MySaasChat;

/// <summary>Every module of the program, in the order their endpoints are mapped.</summary>
public static class Modules
{
    public static IReadOnlyList<IModule> All() => [];
}
