"""The demo platform: a small short-video site on 127.0.0.1 with generated clips, and the demo run."""
