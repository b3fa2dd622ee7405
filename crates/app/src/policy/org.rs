//! Who may read and maintain organisation data: people, units and their meeting calendars.
